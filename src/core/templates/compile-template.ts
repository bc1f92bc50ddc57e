import type { Template } from 'liquidjs';
import type { Channel } from '../channels.js';
import { compileFast, type FastTemplate } from './fast-template.js';
import type { Flavor } from './filters.js';
import { liquidFor } from './liquid-engines.js';
import type { TemplateSource } from './template-content.js';

/** One Liquid text of a template, parsed once and rendered for every message. */
export interface CompiledField {
  /** Where it is in the template: `sms.text`, `line_pnp.template.items[0].content`. */
  field: string;
  flavor: Flavor;
  liquid: Template[];
  fast: FastTemplate | null;
}

/** A template version ready to render: every field parsed, and the variables each channel needs. */
export interface CompiledTemplate {
  source: TemplateSource;
  channels: readonly Channel[];
  fields: Readonly<Partial<Record<Channel, readonly CompiledField[]>>>;
  /** Variable paths (`name`, `customer.name`) a channel's fields use and the template does not mark optional. */
  required: Readonly<Partial<Record<Channel, readonly string[]>>>;
  /** The same paths split into their keys (`customer.name` → customer, name), ready for lookups. */
  requiredKeys: Readonly<Partial<Record<Channel, readonly (readonly string[])[]>>>;
  /** Top-level variables that may be left out. */
  optional: readonly string[];
}

export interface TemplateProblem {
  field: string;
  message: string;
}

export type CompileResult =
  { ok: true; template: CompiledTemplate } | { ok: false; problems: TemplateProblem[] };

/** Every Liquid text of the source, with its field path and flavor. */
function sourceFields(source: TemplateSource): [Channel, string, string, Flavor][] {
  const out: [Channel, string, string, Flavor][] = [];
  const { line_pnp, line_push, sms, email } = source.channels;
  if (line_pnp && 'text' in line_pnp) out.push(['line_pnp', 'line_pnp.text', line_pnp.text, 'plain']);
  if (line_pnp && 'template' in line_pnp) {
    const t = line_pnp.template;
    if (t.emphasizedItem) {
      out.push(['line_pnp', 'line_pnp.template.emphasizedItem.content', t.emphasizedItem.content, 'plain']);
    }
    (t.items ?? []).forEach((item, i) =>
      out.push(['line_pnp', `line_pnp.template.items[${i}].content`, item.content, 'plain']),
    );
    (t.buttons ?? []).forEach((button, i) =>
      out.push(['line_pnp', `line_pnp.template.buttons[${i}].url`, button.url, 'plain']),
    );
  }
  if (line_push) out.push(['line_push', 'line_push.text', line_push.text, 'plain']);
  if (sms) out.push(['sms', 'sms.text', sms.text, 'sms']);
  if (email) {
    out.push(['email', 'email.subject', email.subject, 'plain']);
    out.push(['email', 'email.text', email.text, 'plain']);
    if (email.html !== undefined) out.push(['email', 'email.html', email.html, 'html']);
  }
  return out;
}

/** `customer.name` is optional when `customer` or `customer.name` is listed as optional. */
function isOptional(path: string, optional: ReadonlySet<string>): boolean {
  if (optional.has(path)) return true;
  const root = /^[^.[]+/.exec(path)?.[0] ?? path;
  return optional.has(root);
}

/** Parses every Liquid text of a template version; reports each one that does not parse (strict filters included). */
export function compileTemplate(source: TemplateSource): CompileResult {
  const problems: TemplateProblem[] = [];
  const fields: Partial<Record<Channel, CompiledField[]>> = {};
  const required: Partial<Record<Channel, Set<string>>> = {};
  const optional = new Set(source.optionalVariables ?? []);
  for (const [channel, field, text, flavor] of sourceFields(source)) {
    const engine = liquidFor(flavor);
    let liquid: Template[];
    try {
      liquid = engine.parse(text);
    } catch (error) {
      problems.push({ field, message: firstLine(error) });
      continue;
    }
    (fields[channel] ??= []).push({ field, flavor, liquid, fast: compileFast(text, flavor) });
    const needed = (required[channel] ??= new Set());
    for (const path of engine.globalFullVariablesSync(liquid))
      if (!isOptional(path, optional)) needed.add(path);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    template: {
      source,
      channels: Object.keys(fields) as Channel[],
      fields,
      required: Object.fromEntries(Object.entries(required).map(([c, paths]) => [c, [...paths]])),
      requiredKeys: Object.fromEntries(
        Object.entries(required).map(([c, paths]) => [c, [...paths].map((p) => p.match(/[^.[\]]+/g) ?? [p])]),
      ),
      optional: [...optional],
    },
  };
}

/** Liquid errors carry the offending source lines after the first; the first says what is wrong. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!;
}
