import { parseHeaderFields } from './mime.js';

/** One recipient's block of a `message/delivery-status` body (RFC 3464 §2.3). */
export interface RecipientStatus {
  /** Final-Recipient's address, lowercased, without its `rfc822;` type. */
  finalRecipient: string | null;
  /** failed, delayed, delivered, relayed or expanded. */
  action: string;
  /** The status code, e.g. "5.1.1". */
  status: string | null;
  /** What the remote server said, e.g. "smtp; 550 5.1.1 <taro@example.jp>: User unknown". */
  diagnosticCode: string | null;
  lastAttemptDate: string | null;
}

/** The report: fields about the message (§2.2), then one block per recipient. */
export interface DeliveryStatus {
  /** Original-Envelope-Id, xtext decoded: the ENVID given with MAIL FROM. */
  originalEnvelopeId: string | null;
  arrivalDate: string | null;
  /** Not in RFC 3464, but some servers add the original's Message-ID to the report. */
  originalMessageId: string | null;
  recipients: RecipientStatus[];
}

/** Reads a `message/delivery-status` body: blocks of header-like fields separated by empty lines. */
export function parseDeliveryStatus(text: string): DeliveryStatus {
  const blocks = text
    .replace(/\r\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((block) => block.replace(/^\n+/, ''))
    .filter((block) => block.trim() !== '')
    .map(parseHeaderFields);
  const [perMessage = new Map<string, string[]>(), ...perRecipient] = blocks;
  const field = (fields: Map<string, string[]>, name: string) => fields.get(name)?.[0] ?? null;
  const envid = field(perMessage, 'original-envelope-id');
  return {
    originalEnvelopeId: envid === null ? null : decodeXtext(envid.trim()),
    arrivalDate: field(perMessage, 'arrival-date'),
    originalMessageId: field(perMessage, 'original-message-id') ?? field(perMessage, 'x-original-message-id'),
    recipients: perRecipient
      .filter((fields) => fields.has('action'))
      .map((fields) => ({
        finalRecipient:
          address(field(fields, 'final-recipient'), false) ??
          address(field(fields, 'original-recipient'), true),
        action: (field(fields, 'action') ?? '').trim().split(/[\s(]/)[0]!.toLowerCase(),
        status: /\b[245]\.\d{1,3}\.\d{1,3}\b/.exec(field(fields, 'status') ?? '')?.[0] ?? null,
        diagnosticCode: field(fields, 'diagnostic-code'),
        lastAttemptDate: field(fields, 'last-attempt-date'),
      })),
  };
}

/** `rfc822; Taro@Example.jp` → `taro@example.jp`. Original-Recipient is xtext (it is the ORCPT we sent). */
function address(value: string | null, xtext: boolean): string | null {
  if (value === null) return null;
  const typed = value.includes(';') ? value.slice(value.indexOf(';') + 1).trim() : value.trim();
  const bare = (xtext ? decodeXtext(typed) : typed).replace(/^<(.*)>$/, '$1');
  return bare === '' ? null : bare.toLowerCase();
}

/** RFC 3461 xtext: `+` and two hex digits stand for one byte. */
function decodeXtext(value: string): string {
  return value.replace(/\+([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
