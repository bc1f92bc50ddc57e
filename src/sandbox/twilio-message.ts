/** Twilio's API version, in every path and resource. */
export const TWILIO_API_VERSION = '2010-04-01';
/** The sender a Messaging Service picks in the sandbox (Twilio's own test number for a valid From). */
export const SANDBOX_SERVICE_SENDER = '+15005550006';

/** Where a message ends, decided by the number's behaviour when it was accepted. */
export type TwilioFinalStatus = 'delivered' | 'undelivered' | 'failed';

/** One accepted message as the emulator keeps it: enough to answer Fetch Message at any later moment. */
export interface TwilioMessageRecord {
  sid: string;
  accountSid: string;
  to: string;
  /** Null when sent through a Messaging Service (the service picks the sender once it sends). */
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  /** Segments the body takes, whoever the sender. */
  numSegments: number;
  createdAt: number;
  /** When it left for the carrier; null for a message that fails without ever leaving. */
  sentAt: number | null;
  finalStatus: TwilioFinalStatus;
  finalAt: number;
  /** Twilio's error code for undelivered/failed, null when delivered. */
  errorCode: number | null;
}

/** Where a message is at one moment: just accepted, handed to the carrier, or at its final status. */
export type TwilioMessageStage = 'created' | 'sent' | 'final';

/** Twilio's descriptions of the carrier errors the sandbox reports. */
const ERROR_MESSAGES: Readonly<Record<number, string>> = {
  30003: 'Unreachable destination handset',
  30008: 'Unknown error',
};

/** RFC 2822 in GMT, as Twilio writes dates: `Thu, 24 Aug 2023 05:01:45 +0000`. */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** The stage a message has reached at `now`: each change takes effect at its own moment, as its callback does. */
export function stageAt(m: TwilioMessageRecord, now: number): TwilioMessageStage {
  if (now >= m.finalAt) return 'final';
  if (m.sentAt !== null && now >= m.sentAt) return 'sent';
  return 'created';
}

/**
 * The Message resource as Twilio answers it at a given stage: Create Message answers the `created` stage,
 * Fetch Message the stage reached by now. Field order and values follow Twilio's own answers.
 */
export function twilioMessageResource(m: TwilioMessageRecord, stage: TwilioMessageStage) {
  const viaService = m.from === null;
  // A Messaging Service has picked its sender (and so the segments are known) once it gets past `accepted`.
  const senderKnown = !viaService || stage !== 'created';
  const status =
    stage === 'final' ? m.finalStatus : stage === 'sent' ? 'sent' : viaService ? 'accepted' : 'queued';
  const updatedAt = stage === 'final' ? m.finalAt : stage === 'sent' ? m.sentAt! : m.createdAt;
  const errorCode = stage === 'final' ? m.errorCode : null;
  const uri = `/${TWILIO_API_VERSION}/Accounts/${m.accountSid}/Messages/${m.sid}`;
  return {
    body: m.body,
    num_segments: senderKnown ? String(m.numSegments) : '0',
    direction: 'outbound-api',
    from: senderKnown ? (m.from ?? SANDBOX_SERVICE_SENDER) : null,
    to: m.to,
    date_updated: rfc2822(updatedAt),
    price: null,
    error_message: errorCode === null ? null : (ERROR_MESSAGES[errorCode] ?? null),
    uri: `${uri}.json`,
    account_sid: m.accountSid,
    num_media: '0',
    status,
    messaging_service_sid: m.messagingServiceSid,
    sid: m.sid,
    date_sent: stage !== 'created' && m.sentAt !== null ? rfc2822(m.sentAt) : null,
    date_created: rfc2822(m.createdAt),
    error_code: errorCode,
    price_unit: 'USD',
    api_version: TWILIO_API_VERSION,
    subresource_uris: { media: `${uri}/Media.json` },
  };
}
