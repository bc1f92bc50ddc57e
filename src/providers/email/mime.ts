/**
 * Just enough MIME (RFC 2045/2046) to read a delivery status notification: header fields, Content-Type with its
 * parameters, the parts of a multipart body, and base64 / quoted-printable bodies. Bodies are handled as bytes
 * ('latin1' strings map byte for byte), so nothing is mis-decoded on the way.
 */

export interface MimeEntity {
  /** Field names lowercased; repeated fields keep every value, in order. */
  headers: Map<string, string[]>;
  /** The body as it stands in the message (still transfer-encoded). */
  body: Buffer;
}

/** Reads header fields, unfolding continuation lines; stops at the first line that is neither. */
export function parseHeaderFields(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let name: string | null = null;
  let value = '';
  const flush = () => {
    if (name === null) return;
    const values = headers.get(name) ?? [];
    values.push(value.trim());
    headers.set(name, values);
    name = null;
  };
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && name !== null) {
      value += ` ${line.trim()}`;
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    // Field names in practice are tokens; a line such as `{"a":1}` is not a header field.
    if (colon <= 0 || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(line.slice(0, colon).trimEnd())) break;
    name = line.slice(0, colon).trimEnd().toLowerCase();
    value = line.slice(colon + 1);
  }
  flush();
  return headers;
}

/** Splits a message or body part into header fields and body at the first empty line. */
export function parseEntity(raw: Buffer): MimeEntity {
  const text = raw.toString('latin1');
  const match = /\r?\n\r?\n/.exec(text);
  // An entity that starts with an empty line has no header fields at all.
  if (/^\r?\n/.test(text)) return { headers: new Map(), body: raw.subarray(text.startsWith('\r') ? 2 : 1) };
  if (match === null) return { headers: parseHeaderFields(text), body: Buffer.alloc(0) };
  return {
    headers: parseHeaderFields(text.slice(0, match.index)),
    body: raw.subarray(match.index + match[0].length),
  };
}

export function header(entity: MimeEntity, name: string): string | undefined {
  return entity.headers.get(name.toLowerCase())?.[0];
}

export interface ContentType {
  /** type/subtype, lowercased; text/plain when the part has none (RFC 2045 default). */
  type: string;
  /** Parameter names lowercased, values unquoted. */
  params: Record<string, string>;
}

export function contentType(entity: MimeEntity): ContentType {
  const raw = header(entity, 'content-type');
  if (raw === undefined) return { type: 'text/plain', params: {} };
  const [first = '', ...rest] = splitParams(raw);
  const params: Record<string, string> = {};
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq <= 0) continue;
    let value = param.slice(eq + 1).trim();
    if (value.startsWith('"'))
      value = value.slice(1, value.endsWith('"') ? -1 : undefined).replace(/\\(.)/g, '$1');
    params[param.slice(0, eq).trim().toLowerCase()] = value;
  }
  return { type: first.trim().toLowerCase() || 'text/plain', params };
}

/** Splits on semicolons outside quoted strings. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && quoted) {
      current += c + (value[i + 1] ?? '');
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === ';' && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

/** The body parts of a multipart entity, preamble and epilogue left out; [] when it is not multipart. */
export function multipartParts(entity: MimeEntity): MimeEntity[] {
  const { type, params } = contentType(entity);
  const boundary = params['boundary'];
  if (!type.startsWith('multipart/') || !boundary) return [];
  const text = entity.body.toString('latin1');
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // A delimiter is a line of its own; the line break before it belongs to it (RFC 2046 §5.1.1).
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escaped}(--)?[ \\t]*(?=\\r?\\n|$)`, 'g');
  const parts: MimeEntity[] = [];
  let start = -1;
  for (let match = delimiter.exec(text); match !== null; match = delimiter.exec(text)) {
    if (start >= 0) parts.push(parseEntity(Buffer.from(text.slice(start, match.index), 'latin1')));
    if (match[1] === '--') return parts;
    // The part begins after the delimiter line's own line break.
    const lineEnd = /\r?\n/.exec(text.slice(delimiter.lastIndex));
    start = lineEnd === null ? text.length : delimiter.lastIndex + lineEnd.index + lineEnd[0].length;
  }
  // No closing delimiter (a truncated bounce): keep what was there.
  if (start >= 0 && start < text.length) parts.push(parseEntity(Buffer.from(text.slice(start), 'latin1')));
  return parts;
}

/** The body with its Content-Transfer-Encoding undone. */
export function decodedBody(entity: MimeEntity): Buffer {
  const encoding = (header(entity, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  if (encoding === 'base64')
    return Buffer.from(entity.body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(entity.body.toString('latin1'));
  return entity.body;
}

function decodeQuotedPrintable(text: string): Buffer {
  const unfolded = text.replace(/[ \t]*=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < unfolded.length; i++) {
    const hex = unfolded.slice(i + 1, i + 3);
    if (unfolded[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(unfolded.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}
