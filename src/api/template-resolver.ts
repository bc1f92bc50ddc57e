import { compileTemplate, type CompiledTemplate } from '../core/templates/index.js';
import type { TemplateRecord, TemplateVersionRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';

/** How a request names a template: by name (its latest version), or by id with an optional version. */
export type TemplateRef = string | { id: string; version?: number | undefined };

/** A template version ready to render. */
export interface ResolvedTemplate {
  template: TemplateRecord;
  version: TemplateVersionRecord;
  compiled: CompiledTemplate;
}

export const templateNotFound = (ref: string) =>
  new ApiError(
    404,
    'template_not_found',
    `テンプレート "${ref}" は見つかりません / No template with id or name "${ref}"`,
  );

/** Compiled versions kept in memory; a version never changes, so an entry never goes stale. */
const MAX_COMPILED = 500;

/**
 * Finds templates and their versions, compiling each version once. Which version is the latest is read from the
 * store every time (another process may have added one); a compiled version is kept, least recently used out.
 */
export class TemplateResolver {
  private readonly compiled = new Map<string, CompiledTemplate>();

  constructor(private readonly store: Store) {}

  /** A template by id, or else by name. */
  async find(idOrName: string): Promise<TemplateRecord | null> {
    return (await this.store.getTemplate(idOrName)) ?? (await this.store.findTemplateByName(idOrName));
  }

  /** The named version (default the latest), compiled; throws template_not_found or template_version_not_found. */
  async resolve(ref: TemplateRef): Promise<ResolvedTemplate> {
    const key = typeof ref === 'string' ? ref : ref.id;
    const template =
      typeof ref === 'string'
        ? await this.store.findTemplateByName(ref)
        : await this.store.getTemplate(ref.id);
    if (!template) throw templateNotFound(key);
    const number = typeof ref === 'string' ? template.latestVersion : (ref.version ?? template.latestVersion);
    const version = await this.store.getTemplateVersion(template.id, number);
    if (!version) {
      throw new ApiError(
        404,
        'template_version_not_found',
        `テンプレート "${template.name}" に版 ${number} はありません / Template "${template.name}" has no version ${number} (latest: ${template.latestVersion})`,
        { latestVersion: template.latestVersion },
      );
    }
    return { template, version, compiled: this.compile(version) };
  }

  /** A stored version compiled (it compiled when it was stored, so failing now means the store holds something else). */
  compile(version: TemplateVersionRecord): CompiledTemplate {
    const key = `${version.templateId}#${version.version}`;
    const known = this.compiled.get(key);
    if (known) {
      this.compiled.delete(key);
      this.compiled.set(key, known);
      return known;
    }
    const result = compileTemplate(version.source);
    if (!result.ok) {
      throw new Error(`stored template ${key} does not compile: ${JSON.stringify(result.problems)}`);
    }
    if (this.compiled.size >= MAX_COMPILED) this.compiled.delete(this.compiled.keys().next().value!);
    this.compiled.set(key, result.template);
    return result.template;
  }
}
