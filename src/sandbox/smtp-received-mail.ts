/**
 * What a person would read in a mail the SMTP emulator received: subject and text decoded from their transfer
 * encodings and charsets. Written apart from the provider's own MIME code, so the round trip in tests checks
 * todoke's encoding against an independent reader.
 */
export interface ReceivedMail {
  subject: string;
  text: string;
  /** As in the header, angle brackets included; '' when missing. */
  messageId: string;
  /** The header block exactly as received, for a bounce that returns headers only. */
  headerBlock: string;
}

export function readReceivedMail(raw: Buffer): ReceivedMail {
  const { headers, headerBlock, body } = split(raw);
  const subject = decodeWords(headers.get('subject') ?? '');
  return {
    subject,
    text: textOf(headers, body),
    messageId: (headers.get('message-id') ?? '').trim(),
    headerBlock,
  };
}

function split(raw: Buffer): { headers: Map<string, string>; headerBlock: string; body: Buffer } {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const headerBlock = end < 0 ? text : text.slice(0, end);
  const bodyStart = end < 0 ? text.length : end + (/^\r?\n\r?\n/.exec(text.slice(end))?.[0].length ?? 0);
  const headers = new Map<string, string>();
  for (const field of headerBlock.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = field.indexOf(':');
    const name = field.slice(0, colon).trim().toLowerCase();
    if (colon > 0 && !headers.has(name)) headers.set(name, field.slice(colon + 1).trim());
  }
  return { headers, headerBlock, body: raw.subarray(bodyStart) };
}

/** The first text/plain part, decoded. */
function textOf(headers: Map<string, string>, body: Buffer): string {
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary !== undefined) {
    for (const chunk of body.toString('latin1').split(`--${boundary}`).slice(1)) {
      const part = split(Buffer.from(chunk.replace(/^\r?\n/, ''), 'latin1'));
      if (/^text\/plain/i.test(part.headers.get('content-type') ?? 'text/plain'))
        return textOf(part.headers, part.body);
    }
    return '';
  }
  const charset = /charset="?([^";\s]+)"?/i.exec(type)?.[1] ?? 'us-ascii';
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(body.toString('latin1'), 'base64')
      : encoding === 'quoted-printable'
        ? quotedPrintable(body.toString('latin1').replace(/=\r?\n/g, ''))
        : body;
  return decodeCharset(bytes, charset).replace(/\r\n/g, '\n').replace(/\n$/, '');
}

/** RFC 2047: `=?charset?B?…?=` and `=?charset?Q?…?=`; white space between two encoded words is dropped. */
function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(
      /=\?([^?*]+)(?:\*[^?]+)?\?([BbQq])\?([^?]*)\?=/g,
      (_m, charset: string, kind: string, data: string) => {
        const bytes =
          kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : quotedPrintable(data.replace(/_/g, ' '));
        return decodeCharset(bytes, charset);
      },
    );
}

function quotedPrintable(text: string): Buffer {
  return Buffer.from(
    text.replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase() === 'us-ascii' ? 'utf-8' : charset).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}
