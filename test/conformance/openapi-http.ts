/** The HTTP side of the OpenAPI validator: headers, media types, form bodies, path templates, JSON pointers. */
import type { ErrorObject } from 'ajv';

export type Json = Record<string, unknown>;
export type Headers = Record<string, string | string[] | undefined>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON pointer as a URI fragment Ajv can resolve. */
export function pointerOf(...segments: string[]): string {
  return '#/' + segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
}

/** Ajv errors as one line each, prefixed with where the value was (`body`, `query Limit`, …). */
export function describeErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const extra = e.params as { allowedValues?: unknown[]; additionalProperty?: string };
    let message = `${where}${e.instancePath}: ${e.message ?? 'invalid'}`;
    if (extra.allowedValues !== undefined) message += ` (${extra.allowedValues.join(', ')})`;
    if (extra.additionalProperty !== undefined) message += ` (${extra.additionalProperty})`;
    return message;
  });
}

export function lowerHeaders(headers: Headers = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const v = Array.isArray(value) ? value[0] : value;
    if (v !== undefined) out[name.toLowerCase()] = v;
  }
  return out;
}

export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** The documented media type a concrete content type falls under: exact, `type/*`, then `*∕*`. */
export function pickMedia(content: Json, type: string | undefined): string | undefined {
  const keys = Object.keys(content);
  if (type === undefined) return keys.length === 1 ? keys[0] : undefined;
  return (
    keys.find((k) => k.toLowerCase() === type) ??
    keys.find((k) => k.toLowerCase() === `${type.split('/')[0]}/*`) ??
    keys.find((k) => k === '*/*')
  );
}

/** A form body as an object: a repeated name becomes an array. */
export function decodeForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** Twilio's `x-twilio.conditional`: of each group of (snake_case) fields, at least one must be sent. */
export function conditionalProblems(operation: Json, form: Record<string, unknown>): string[] {
  const groups = (operation['x-twilio'] as { conditional?: unknown } | undefined)?.conditional;
  if (!Array.isArray(groups)) return [];
  const squash = (name: string) => name.replace(/_/g, '').toLowerCase();
  const sent = new Set(Object.keys(form).map(squash));
  return groups
    .filter((g): g is string[] => Array.isArray(g) && !g.some((name) => sent.has(squash(String(name)))))
    .map((g) => `body: one of ${g.join(', ')} is required`);
}

export interface PathTemplate {
  template: string;
  names: string[];
  regex: RegExp;
}

/** Path templates as regular expressions, the more specific (fewer parameters) first. */
export function compileTemplates(templates: string[]): PathTemplate[] {
  return (
    templates
      .map((template) => {
        const names: string[] = [];
        const source = template
          .split(/(\{[^}]+\})/)
          .map((part) => {
            const m = /^\{([^}]+)\}$/.exec(part);
            if (m === null) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            names.push(m[1]!);
            return '([^/]+)';
          })
          .join('');
        return { template, names, regex: new RegExp(`^${source}$`) };
      })
      // A template with fewer parameters is the more specific one.
      .sort((a, b) => a.names.length - b.names.length || b.template.length - a.template.length)
  );
}

/** Property names of the schema at a pointer, following $ref and allOf. */
export function propertiesAt(doc: Json, pointer: string, seen = new Set<string>()): string[] {
  if (seen.has(pointer)) return [];
  seen.add(pointer);
  let node: unknown = doc;
  for (const segment of pointer.slice(2).split('/')) {
    const key = decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
    node = typeof node === 'object' && node !== null ? (node as Json)[key] : undefined;
  }
  if (!isObject(node)) return [];
  const names = isObject(node.properties) ? Object.keys(node.properties) : [];
  if (typeof node.$ref === 'string') names.push(...propertiesAt(doc, node.$ref, seen));
  if (Array.isArray(node.allOf)) {
    node.allOf.forEach((_, i) => names.push(...propertiesAt(doc, `${pointer}/allOf/${i}`, seen)));
  }
  return [...new Set(names)];
}
