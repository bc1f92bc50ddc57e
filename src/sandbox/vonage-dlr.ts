import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { SandboxVonageSignatureMethod } from './gateway-accounts.js';
import type { MarkedJob } from './receipt-faults.js';
import type { OutboxRow, VonageSandboxAccount } from './store.js';
import type { SmsFate } from './twilio-status.js';
import type { JobRenderer } from './webhook-sender.js';

/** What a delivery receipt job carries: the request's `callback` (null: the account's) and the DLR fields. */
export interface VonageDlrPayload {
  url: string | null;
  params: Record<string, string>;
}

/** What the emulator knows of a message it took when it plans the message's receipts. */
export interface TakenVonageMessage {
  fate: SmsFate;
  apiKey: string;
  /** One message-id per part: Vonage sends a receipt for each. */
  messageIds: readonly string[];
  /** Digits only, as sent. */
  to: string;
  from: string;
  text: string;
  clientRef: string | null;
  callback: string | null;
  networkCode: string;
  pricePerPart: string;
}

/** Vonage retries a receipt its receiver did not take for a long while; the sandbox, about 15 minutes. */
const VONAGE_MAX_ATTEMPTS = 20;

/** The final DLR status and err-code for each fate (err-code 2: absent subscriber, 1: unknown). */
const FINAL: Readonly<Record<SmsFate['finalStatus'], { status: string; errCode: string }>> = {
  delivered: { status: 'delivered', errCode: '0' },
  undelivered: { status: 'expired', errCode: '2' },
  failed: { status: 'rejected', errCode: '1' },
};

/** `scts`: YYMMDDHHMM, UTC. */
function scts(ms: number): string {
  return new Date(ms).toISOString().slice(2, 16).replace(/[-T:]/g, '');
}

/** `message-timestamp`: `YYYY-MM-DD HH:MM:SS`, UTC. */
function messageTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** The receipts of one Vonage message part: `accepted` when it left for the carrier, then its final status. */
export interface VonagePartJobs {
  accepted: MarkedJob | null;
  final: MarkedJob;
}

/**
 * The delivery receipts of one message, per part: `accepted` when it left for the carrier (none for a message that
 * never left), then the final status (delivered, expired with err-code 2, rejected with err-code 1). The first
 * part's final `delivered` carries the ledger entry: the person got the message then.
 */
export function vonageDlrJobs(m: TakenVonageMessage): VonagePartJobs[] {
  const { fate } = m;
  const job = (messageId: string, status: string, errCode: string, dueAt: number): MarkedJob => {
    const params: Record<string, string> = {
      msisdn: m.to,
      to: m.from,
      'network-code': m.networkCode,
      messageId,
      price: m.pricePerPart,
      status,
      scts: scts(dueAt),
      'err-code': errCode,
      'api-key': m.apiKey,
      ...(m.clientRef === null ? {} : { 'client-ref': m.clientRef }),
      'message-timestamp': messageTimestamp(dueAt),
    };
    const payload: VonageDlrPayload = { url: m.callback, params };
    return { kind: 'vonage', account: m.apiKey, dueAt, payload, ledger: null };
  };
  return m.messageIds.map((id, i) => {
    const last = FINAL[fate.finalStatus];
    const final = job(id, last.status, last.errCode, fate.finalAt);
    if (i === 0 && fate.finalStatus === 'delivered') {
      final.ledger = { channel: 'sms', provider: 'vonage', toKey: `+${m.to}`, text: m.text, attemptRef: id };
    }
    return {
      accepted: fate.sentAt === null ? null : job(id, 'accepted', '0', fate.sentAt),
      final,
    };
  });
}

/** Vonage's webhook signature: `&name=value` pairs sorted by name (`&`, `=` in values → `_`), MD5 or HMAC, hex. */
export function vonageSandboxSignature(
  secret: string,
  params: Readonly<Record<string, string>>,
  method: SandboxVonageSignatureMethod,
): string {
  const signed = Object.keys(params)
    .filter((name) => name !== 'sig')
    .sort()
    .map((name) => `&${name}=${params[name]!.replace(/[&=]/g, '_')}`)
    .join('');
  if (method === 'md5hash') return createHash('md5').update(`${signed}${secret}`).digest('hex');
  return createHmac(method, secret).update(signed).digest('hex').toUpperCase();
}

/**
 * Delivery receipts as Vonage sends them with "POST-JSON": the DLR fields as a JSON object, to the request's
 * `callback` or else the account's default URL. With a signature secret they are signed: `timestamp`, `nonce` and
 * `sig` join the fields. A message with nowhere to send its receipts keeps its jobs for the ledger only.
 */
export function vonageDlrRenderer(accounts: ReadonlyMap<string, VonageSandboxAccount>): JobRenderer {
  return {
    batchSize: 1,
    maxAttempts: VONAGE_MAX_ATTEMPTS,
    render(apiKey: string, jobs: readonly OutboxRow[]) {
      const p = jobs[0]!.payload as VonageDlrPayload;
      const account = accounts.get(apiKey);
      const url = p.url ?? account?.callbackUrl ?? null;
      if (account === undefined || url === null) return null;
      let fields = p.params;
      if (account.signatureSecret !== null) {
        fields = { ...fields, timestamp: String(Math.floor(Date.now() / 1000)), nonce: randomUUID() };
        const method = account.signatureMethod ?? 'md5hash';
        fields.sig = vonageSandboxSignature(account.signatureSecret, fields, method);
      }
      return {
        url,
        headers: { 'content-type': 'application/json', 'user-agent': 'Vonage-DLR' },
        body: JSON.stringify(fields),
      };
    },
  };
}
