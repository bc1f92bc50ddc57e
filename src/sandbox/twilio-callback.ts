import { twilioSignature } from './signatures.js';
import type { OutboxRow, TwilioAccount } from './store.js';
import type { JobRenderer } from './webhook-sender.js';

/** What a Twilio status callback job carries: the URL given as StatusCallback (null: none) and its parameters. */
export interface TwilioCallbackPayload {
  url: string | null;
  params: Record<string, string>;
}

/** A few tries, the last about 8 s after the first (backoff 0.25, 0.5, 1, 2, 4 s). */
const TWILIO_MAX_ATTEMPTS = 6;

/**
 * Status callbacks as Twilio sends them: a form-encoded POST to the message's StatusCallback URL, signed in
 * `X-Twilio-Signature` with the account's auth token. A message sent without StatusCallback still has its
 * jobs (the ledger needs the delivery moment); they just send nothing.
 */
export function twilioCallbackRenderer(accounts: ReadonlyMap<string, TwilioAccount>): JobRenderer {
  return {
    batchSize: 1,
    maxAttempts: TWILIO_MAX_ATTEMPTS,
    render(accountSid: string, jobs: readonly OutboxRow[]) {
      const p = jobs[0]!.payload as TwilioCallbackPayload;
      const account = accounts.get(accountSid);
      if (p.url === null || account === undefined) return null;
      return {
        url: p.url,
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'user-agent': 'TwilioProxy/1.1',
          'x-twilio-signature': twilioSignature(account.authToken, p.url, p.params),
        },
        body: new URLSearchParams(p.params).toString(),
      };
    },
  };
}
