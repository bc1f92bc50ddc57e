import { karadenResultBody, type KaradenMessageRecord } from './karaden-message.js';
import type { KaradenSandboxAccount, NewOutboxRow, OutboxRow } from './store.js';
import type { SmsFate } from './twilio-status.js';
import type { JobRenderer } from './webhook-sender.js';

/** What a Karaden result job carries: the SentMessage body, fixed when the message was taken. */
export interface KaradenResultPayload {
  body: object;
}

/** Karaden does not document redelivery; a few tries, the last about 8 s after the first, as for Twilio. */
const KARADEN_MAX_ATTEMPTS = 6;
/** The API version of the emulated Karaden, sent with each callback. */
export const KARADEN_SANDBOX_VERSION = '2024-03-01';

/**
 * The one result callback of a message, due when its fate is known. A delivered message's job carries the ledger
 * entry: the person got it then. `e164` is the number in E.164, as the ledger keys SMS.
 */
export function karadenResultJob(
  token: string,
  m: KaradenMessageRecord,
  fate: SmsFate,
  e164: string,
): NewOutboxRow {
  const payload: KaradenResultPayload = { body: karadenResultBody(m, fate) };
  return {
    kind: 'karaden',
    account: token,
    dueAt: fate.finalAt,
    payload,
    ledger:
      fate.finalStatus === 'delivered'
        ? { channel: 'sms', provider: 'karaden', toKey: e164, text: m.body, attemptRef: m.id }
        : null,
  };
}

/**
 * Result callbacks as Karaden sends them (メッセージ送達結果通知): the Message as JSON, POSTed to the endpoint of the
 * message's service, unsigned (Karaden defines no signature). The account is looked up when sending, so a service
 * whose endpoint changed gets its pending results there; one without an endpoint gets none.
 */
export function karadenCallbackRenderer(accounts: ReadonlyMap<string, KaradenSandboxAccount>): JobRenderer {
  return {
    batchSize: 1,
    maxAttempts: KARADEN_MAX_ATTEMPTS,
    render(token: string, jobs: readonly OutboxRow[]) {
      const account = accounts.get(token);
      if (account === undefined || account.callbackUrl === null) return null;
      return {
        url: account.callbackUrl,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Karaden',
          'karaden-version': KARADEN_SANDBOX_VERSION,
        },
        body: JSON.stringify((jobs[0]!.payload as KaradenResultPayload).body),
      };
    },
  };
}
