import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level and undefined members left out, so two requests that mean the
 * same thing serialise the same whatever order the client wrote their fields in. Written as a loop rather than
 * with map/join: the batch API runs it for tens of thousands of messages a second.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out += (i === 0 ? '' : ',') + (item === undefined ? 'null' : canonicalJson(item));
    }
    return `${out}]`;
  }
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
    first = false;
  }
  return `${out}}`;
}

/** SHA-256 (hex) of the canonical JSON: tells a retried request from a different one under the same key. */
export function requestHash(value: unknown): string {
  return hash('sha256', canonicalJson(value), 'hex');
}
