import MailComposer from 'nodemailer/lib/mail-composer/index.js';

/** What the message is built from: the account's sender settings and one attempt's content. */
export interface MailParts {
  attemptId: string;
  /** Header From address; its domain is the right-hand side of the Message-ID. */
  from: string;
  fromName?: string | undefined;
  replyTo?: string | undefined;
  /** Envelope sender (MAIL FROM): where asynchronous bounces go. Defaults to `from`. */
  returnPath?: string | undefined;
  to: string;
  subject?: string | undefined;
  text: string;
}

export interface ComposedMail {
  /** The RFC 5322 message, CRLF line ends, headers encoded to ASCII. */
  raw: Buffer;
  /** `<attemptId@from-domain>`: a bounce quotes it, so it leads back to the attempt. */
  messageId: string;
  envelope: { from: string; to: string[] };
}

/** The Message-ID of an attempt's e-mail. */
export function messageIdFor(attemptId: string, from: string): string {
  const domain = from.slice(from.lastIndexOf('@') + 1).toLowerCase();
  return `<${attemptId}@${domain}>`;
}

/**
 * Builds one plain-text e-mail with nodemailer's composer: UTF-8 throughout, non-ASCII header text as RFC 2047
 * encoded words (`=?UTF-8?B?…?=`), the body in base64 or quoted-printable as the composer finds shorter, so
 * Japanese survives any 7-bit hop. `Auto-Submitted: auto-generated` (RFC 3834) keeps auto-responders from
 * answering a notification.
 */
export async function composeMail(parts: MailParts): Promise<ComposedMail> {
  const messageId = messageIdFor(parts.attemptId, parts.from);
  const envelope = { from: parts.returnPath ?? parts.from, to: [parts.to] };
  const composer = new MailComposer({
    from: parts.fromName ? { name: parts.fromName, address: parts.from } : parts.from,
    to: parts.to,
    ...(parts.replyTo ? { replyTo: parts.replyTo } : {}),
    // A line break in a subject would end the header: fold it into a space.
    ...(parts.subject !== undefined ? { subject: parts.subject.replace(/[\r\n]+/g, ' ') } : {}),
    text: parts.text,
    messageId,
    envelope,
    headers: { 'Auto-Submitted': 'auto-generated' },
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const raw = await composer.compile().build();
  return { raw, messageId, envelope };
}
