import { createHmac, randomBytes } from 'node:crypto';
import { request } from 'undici';

/** What a bounce says about one recipient of one accepted message. */
export interface BounceInput {
  /** The emulator's host name: Reporting-MTA, the bounce's From and Message-ID. */
  reportingMta: string;
  /** MAIL FROM of the original: the bounce goes there. */
  envelopeFrom: string;
  recipient: string;
  /** ORCPT and ENVID of the original (RFC 3461), when the client gave them. */
  originalRecipient: string | null;
  envelopeId: string | null;
  /** RET=FULL returns the whole message, anything else its headers only. */
  returnFull: boolean;
  original: Buffer;
  originalHeaders: string;
  arrivedAt: Date;
  failedAt: Date;
}

/**
 * A delivery status notification shaped like the ones Postfix sends (RFC 3462 multipart/report with a
 * human-readable part, `message/delivery-status`, then the original's headers or the whole original).
 */
export function composeBounce(input: BounceInput): Buffer {
  const boundary = `${randomBytes(6).toString('hex')}.sandbox/${input.reportingMta}`;
  const queueId = randomBytes(5).toString('hex').toUpperCase();
  const domain = input.recipient.slice(input.recipient.lastIndexOf('@') + 1);
  const diagnostic = `550 5.1.1 <${input.recipient}>: Recipient address rejected: User unknown in virtual mailbox table`;
  const perMessage = [
    `Reporting-MTA: dns; ${input.reportingMta}`,
    `X-Postfix-Queue-ID: ${queueId}`,
    `X-Postfix-Sender: rfc822; ${input.envelopeFrom}`,
    ...(input.envelopeId !== null ? [`Original-Envelope-Id: ${input.envelopeId}`] : []),
    `Arrival-Date: ${input.arrivedAt.toUTCString()}`,
  ];
  const perRecipient = [
    `Final-Recipient: rfc822; ${input.recipient}`,
    ...(input.originalRecipient !== null ? [`Original-Recipient: ${input.originalRecipient}`] : []),
    'Action: failed',
    'Status: 5.1.1',
    `Remote-MTA: dns; mx.${domain}`,
    `Diagnostic-Code: smtp; ${diagnostic}`,
    `Last-Attempt-Date: ${input.failedAt.toUTCString()}`,
  ];
  const lines = [
    `Date: ${input.failedAt.toUTCString()}`,
    `From: MAILER-DAEMON@${input.reportingMta} (Mail Delivery System)`,
    `To: ${input.envelopeFrom}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <${queueId}.${Date.now()}@${input.reportingMta}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `This is the mail system at host ${input.reportingMta}.`,
    '',
    "I'm sorry to have to inform you that your message could not",
    'be delivered to one or more recipients.',
    '',
    `<${input.recipient}>: host mx.${domain} said: ${diagnostic}`,
    '',
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    ...perMessage,
    '',
    ...perRecipient,
    '',
    `--${boundary}`,
    ...(input.returnFull
      ? ['Content-Description: Undelivered Message', 'Content-Type: message/rfc822', '']
      : ['Content-Description: Undelivered Message Headers', 'Content-Type: text/rfc822-headers', '']),
  ];
  const returned = input.returnFull ? input.original.toString('latin1') : `${input.originalHeaders}\r\n`;
  return Buffer.from(
    `${lines.join('\r\n')}\r\n${returned.replace(/\r?\n$/, '')}\r\n\r\n--${boundary}--\r\n`,
    'latin1',
  );
}

/** Where an account's bounces go: the webhook an inbound relay would post them to, and its shared secret. */
export interface BounceTarget {
  url: string;
  token: string;
}

/** Waits before each try: the first at once, then growing; a bounce nobody takes is dropped after the last. */
const RETRY_DELAYS_MS = [0, 250, 1000, 3000];

/**
 * Posts bounces as a relay would: the raw message, `Content-Type: message/rfc822`, signed with
 * `X-Todoke-Signature: sha256=<hex HMAC-SHA256(token, body)>`. Retries a call that gets no 2xx. In memory: bounces
 * still pending when the emulator closes are lost.
 */
export class BouncePoster {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  /** Posts `bounce` to `target` after `delayMs`. */
  schedule(target: BounceTarget, bounce: Buffer, delayMs: number): void {
    this.later(delayMs, () => void this.attempt(target, bounce, 0));
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private later(ms: number, run: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) run();
    }, ms);
    this.timers.add(timer);
  }

  private async attempt(target: BounceTarget, bounce: Buffer, tries: number): Promise<void> {
    let ok = false;
    try {
      const response = await request(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'message/rfc822',
          'x-todoke-signature': `sha256=${createHmac('sha256', target.token).update(bounce).digest('hex')}`,
        },
        body: bounce,
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
      await response.body.dump();
      ok = response.statusCode >= 200 && response.statusCode < 300;
    } catch {
      // Not reachable now: tried again below.
    }
    const next = RETRY_DELAYS_MS[tries + 1];
    if (!ok && next !== undefined) this.later(next, () => void this.attempt(target, bounce, tries + 1));
  }
}
