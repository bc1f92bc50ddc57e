import { z } from 'zod';

/**
 * What LINE does with a notification message to this number:
 * - delivered: a LINE user who receives it; the delivery event follows after lineDelayMs.
 * - not_found: no LINE user, or one who refused notification messages: 422 at once.
 * - blocked: the user blocked the account: 200, then nothing ever (no event, nothing received).
 * - consent_pending: the user has not consented yet; receives it (event and all) after lineDelayMs.
 */
export const LINE_BEHAVIOURS = ['delivered', 'not_found', 'blocked', 'consent_pending'] as const;
export type LineBehaviour = (typeof LINE_BEHAVIOURS)[number];

/**
 * What Twilio does with an SMS to this number:
 * - delivered: `sent`, then `delivered` after smsDelayMs.
 * - undelivered: `sent`, then `undelivered` (ErrorCode 30003) after smsDelayMs.
 * - failed: `failed` (ErrorCode 30008) after smsDelayMs.
 * - landline: refused at once with 400 / 21614.
 */
export const SMS_BEHAVIOURS = ['delivered', 'undelivered', 'failed', 'landline'] as const;
export type SmsBehaviour = (typeof SMS_BEHAVIOURS)[number];

export interface NumberSettings {
  line: LineBehaviour;
  lineDelayMs: number;
  sms: SmsBehaviour;
  smsDelayMs: number;
}

/** Settings as stored: only what was set; anything unset takes its default when read. */
export interface StoredNumberSettings {
  line?: LineBehaviour | undefined;
  lineDelayMs?: number | undefined;
  sms?: SmsBehaviour | undefined;
  smsDelayMs?: number | undefined;
}

export const DEFAULT_DELAY_MS = 100;
/** A user who has to consent first takes a while: a minute unless told otherwise. */
export const DEFAULT_CONSENT_DELAY_MS = 60_000;
/** Longest delay one may set: a week (LINE gives up after 24 h; this leaves room to rehearse). */
export const MAX_DELAY_MS = 7 * 24 * 3600 * 1000;

/** The effective behaviour of a number: what was set, defaults for the rest. */
export function withDefaults(stored: StoredNumberSettings | undefined): NumberSettings {
  const line = stored?.line ?? 'delivered';
  return {
    line,
    lineDelayMs:
      stored?.lineDelayMs ?? (line === 'consent_pending' ? DEFAULT_CONSENT_DELAY_MS : DEFAULT_DELAY_MS),
    sms: stored?.sms ?? 'delivered',
    smsDelayMs: stored?.smsDelayMs ?? DEFAULT_DELAY_MS,
  };
}

/** Later settings win field by field; fields not given keep their stored value. */
export function mergeSettings(
  stored: StoredNumberSettings | undefined,
  update: StoredNumberSettings,
): StoredNumberSettings {
  return {
    line: update.line ?? stored?.line,
    lineDelayMs: update.lineDelayMs ?? stored?.lineDelayMs,
    sms: update.sms ?? stored?.sms,
    smsDelayMs: update.smsDelayMs ?? stored?.smsDelayMs,
  };
}

const delay = z.number().int().min(0).max(MAX_DELAY_MS);

/** Body of PUT /__sandbox/numbers/{e164}; unknown keys are refused so a typo is not silently ignored. */
export const numberSettingsUpdateSchema = z.strictObject({
  line: z.enum(LINE_BEHAVIOURS).optional(),
  lineDelayMs: delay.optional(),
  sms: z.enum(SMS_BEHAVIOURS).optional(),
  smsDelayMs: delay.optional(),
});

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;

export const e164Schema = z.string().regex(E164_PATTERN, 'must be an E.164 number such as +818012345678');
