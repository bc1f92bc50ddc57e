import type { NumberSettings } from './number-settings.js';
import type { OutboxRow } from './store.js';
import type { TwilioCallbackPayload } from './twilio-callback.js';
import { TWILIO_API_VERSION, type TwilioFinalStatus } from './twilio-message.js';

/** What becomes of one accepted message, and when: both its callbacks and Fetch Message follow this. */
export interface SmsFate {
  /** When it leaves for the carrier; null when it fails without leaving. */
  sentAt: number | null;
  finalStatus: TwilioFinalStatus;
  finalAt: number;
  errorCode: number | null;
}

/** What the emulator knows of an accepted message when it plans the message's callbacks. */
export interface AcceptedSms {
  fate: SmsFate;
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
const UNDELIVERED_CODE = 30003;
const FAILED_CODE = 30008;

/**
 * The fate of a message accepted at `now` for a number with these settings: `sent` shortly after acceptance,
 * then `delivered` or `undelivered` (30003) after smsDelayMs; or only `failed` (30008), which Twilio reports
 * for a message that never left. Null for a landline, which is refused before acceptance.
 */
export function planSmsFate(now: number, settings: NumberSettings): SmsFate | null {
  const finalAt = now + settings.smsDelayMs;
  const sentAt = Math.min(now + SENT_AFTER_MS, finalAt);
  switch (settings.sms) {
    case 'delivered':
      return { sentAt, finalStatus: 'delivered', finalAt, errorCode: null };
    case 'undelivered':
      return { sentAt, finalStatus: 'undelivered', finalAt, errorCode: UNDELIVERED_CODE };
    case 'failed':
      return { sentAt: null, finalStatus: 'failed', finalAt, errorCode: FAILED_CODE };
    case 'landline':
      return null;
  }
}

/** Carrier receipt time as Twilio passes it on (`RawDlrDoneDate`): YYMMDDhhmm in UTC. */
function dlrDoneDate(ms: number): string {
  return new Date(ms).toISOString().slice(2, 16).replace(/[-T:]/g, '');
}

/**
 * The status callbacks of one message, as Twilio would send them at the moments of its fate. `delivered`
 * carries the ledger entry: the person got it then. Without a StatusCallback only the delivery job is kept,
 * for the ledger.
 */
export function twilioStatusJobs(m: AcceptedSms): Job[] {
  const base: Record<string, string> = {
    AccountSid: m.accountSid,
    ApiVersion: TWILIO_API_VERSION,
    From: m.from,
    MessageSid: m.messageSid,
    SmsSid: m.messageSid,
    To: m.to,
  };
  if (m.messagingServiceSid !== null) base.MessagingServiceSid = m.messagingServiceSid;
  const { fate } = m;
  const job = (status: string, dueAt: number, extra: Record<string, string> = {}): Job => {
    const payload: TwilioCallbackPayload = {
      url: m.statusCallback,
      params: { ...base, MessageStatus: status, SmsStatus: status, ...extra },
    };
    return { kind: 'twilio', account: m.accountSid, dueAt, payload, ledger: null };
  };
  const final = (): Job => {
    const extra: Record<string, string> = {};
    if (fate.errorCode !== null) extra.ErrorCode = String(fate.errorCode);
    // A carrier receipt exists only for a message that reached the carrier.
    if (fate.sentAt !== null) extra.RawDlrDoneDate = dlrDoneDate(fate.finalAt);
    return job(fate.finalStatus, fate.finalAt, extra);
  };

  const jobs: Job[] = [];
  if (m.statusCallback !== null && fate.sentAt !== null) jobs.push(job('sent', fate.sentAt));
  if (m.statusCallback !== null || fate.finalStatus === 'delivered') {
    const last = final();
    if (fate.finalStatus === 'delivered') {
      last.ledger = {
        channel: 'sms',
        provider: 'twilio',
        toKey: m.to,
        text: m.text,
        attemptRef: m.messageSid,
      };
    }
    jobs.push(last);
  }
  return jobs;
}
