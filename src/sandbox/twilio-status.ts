import type { NumberSettings } from './number-settings.js';
import type { OutboxRow } from './store.js';
import type { TwilioCallbackPayload } from './twilio-callback.js';

/** What the emulator knows of an accepted message when it plans the message's fate. */
export interface AcceptedSms {
  now: number;
  settings: NumberSettings;
  accountSid: string;
  messageSid: string;
  to: string;
  from: string;
  messagingServiceSid: string | null;
  text: string;
  statusCallback: string | null;
}

type Job = Omit<OutboxRow, 'id' | 'attempts'>;

/** `sent` comes this soon after the request (or with the final status when the delay is shorter). */
const SENT_AFTER_MS = 20;
/** Carrier error codes the sandbox reports: unreachable handset; unknown error. */
const UNDELIVERED_CODE = '30003';
const FAILED_CODE = '30008';

/** Carrier receipt time as Twilio passes it on (`RawDlrDoneDate`): YYMMDDhhmm in UTC. */
function dlrDoneDate(ms: number): string {
  return new Date(ms).toISOString().slice(2, 16).replace(/[-T:]/g, '');
}

/**
 * The status callbacks of one message, as Twilio would send them: `sent` shortly after acceptance, then
 * `delivered` or `undelivered` (ErrorCode 30003) after smsDelayMs; or only `failed` (ErrorCode 30008), which
 * Twilio reports for a message that never left. `delivered` carries the ledger entry: the person got it then.
 * Without a StatusCallback only the delivery job is kept, for the ledger.
 */
export function twilioStatusJobs(m: AcceptedSms): Job[] {
  const base: Record<string, string> = {
    AccountSid: m.accountSid,
    ApiVersion: '2010-04-01',
    From: m.from,
    MessageSid: m.messageSid,
    SmsSid: m.messageSid,
    To: m.to,
  };
  if (m.messagingServiceSid !== null) base.MessagingServiceSid = m.messagingServiceSid;
  const finalAt = m.now + m.settings.smsDelayMs;
  const job = (status: string, dueAt: number, extra: Record<string, string> = {}): Job => {
    const payload: TwilioCallbackPayload = {
      url: m.statusCallback,
      params: { ...base, MessageStatus: status, SmsStatus: status, ...extra },
    };
    return { kind: 'twilio', account: m.accountSid, dueAt, payload, ledger: null };
  };

  const jobs: Job[] = [];
  const sent = () => job('sent', Math.min(m.now + SENT_AFTER_MS, finalAt));
  switch (m.settings.sms) {
    case 'delivered': {
      if (m.statusCallback !== null) jobs.push(sent());
      const delivered = job('delivered', finalAt, { RawDlrDoneDate: dlrDoneDate(finalAt) });
      delivered.ledger = {
        channel: 'sms',
        provider: 'twilio',
        toKey: m.to,
        text: m.text,
        attemptRef: m.messageSid,
      };
      jobs.push(delivered);
      break;
    }
    case 'undelivered':
      if (m.statusCallback !== null) {
        jobs.push(
          sent(),
          job('undelivered', finalAt, { ErrorCode: UNDELIVERED_CODE, RawDlrDoneDate: dlrDoneDate(finalAt) }),
        );
      }
      break;
    case 'failed':
      if (m.statusCallback !== null) jobs.push(job('failed', finalAt, { ErrorCode: FAILED_CODE }));
      break;
    case 'landline':
      // Refused before acceptance: there is no message to report on.
      break;
  }
  return jobs;
}
