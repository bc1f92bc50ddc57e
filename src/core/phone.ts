import { createHmac } from 'node:crypto';
import { parsePhoneNumberFromString, type NumberType } from 'libphonenumber-js/max';

/** What kind of line a number is, in libphonenumber's vocabulary (lower case). */
export type PhoneType =
  | 'mobile'
  | 'fixed_line'
  | 'fixed_line_or_mobile'
  | 'toll_free'
  | 'premium_rate'
  | 'shared_cost'
  | 'voip'
  | 'personal_number'
  | 'pager'
  | 'uan'
  | 'voicemail'
  | 'unknown';

export type PhoneResult =
  | { ok: true; e164: string; type: PhoneType }
  /**
   * `invalid_phone`: not a phone number anyone can have.
   * `not_sms_capable`: a real number that cannot receive SMS or be a LINE account (landline, 050 IP phone, 020
   * M2M/pager, toll-free): `e164` and `type` are still given, for routes that do not text it.
   */
  | { ok: false; code: 'invalid_phone'; reason: string }
  | { ok: false; code: 'not_sms_capable'; reason: string; e164: string; type: PhoneType };

/** Line types that can receive an SMS. Outside Japan many plans do not say which, so "either" counts. */
const SMS_CAPABLE: ReadonlySet<PhoneType> = new Set(['mobile', 'fixed_line_or_mobile']);

/**
 * Separators people type inside numbers, half- and full-width: spaces, hyphens and dashes (including the
 * katakana long-vowel mark that Japanese IMEs often produce for a dash), dots, parentheses.
 */
const SEPARATORS = /[\s\-‐‑‒–—―−－ー.．()（）]/g;
const FULL_WIDTH_DIGIT_OR_PLUS = /[０-９＋]/g;

/**
 * Japanese mobile numbers in every everyday spelling, after separators are removed: 09012345678, 819012345678,
 * +819012345678 and +8109012345678 (the "+81-(0)90" habit). The national part is libphonenumber's JP mobile
 * pattern `[6-9]0[1-9]\d{7}`; phone.test.ts checks this shortcut agrees with the full parser. It exists because
 * the batch API parses tens of thousands of numbers a second and the full parser takes ~10 µs each.
 */
const JP_MOBILE = /^(?:0|\+?810?)([6-9]0[1-9]\d{7})$/;

function toHalfWidth(input: string): string {
  // Most numbers have no full-width characters: skip the replace (a million-row import parses a million numbers).
  if (!/[０-９＋]/.test(input)) return input;
  return input.replace(FULL_WIDTH_DIGIT_OR_PLUS, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

function phoneType(type: NumberType): PhoneType {
  return type === undefined ? 'unknown' : (type.toLowerCase() as PhoneType);
}

/** Parses a phone number as people write it (Japan by default) into E.164, and tells whether it can get SMS. */
export function normalizePhone(input: string): PhoneResult {
  const compact = toHalfWidth(input).replace(SEPARATORS, '');
  const mobile = JP_MOBILE.exec(compact);
  if (mobile) return { ok: true, e164: `+81${mobile[1]}`, type: 'mobile' };

  if (compact.length === 0 || compact.length > 20 || !/^\+?\d+$/.test(compact)) {
    return { ok: false, code: 'invalid_phone', reason: 'not a phone number' };
  }
  const parsed = parsePhoneNumberFromString(compact, 'JP');
  if (!parsed || !parsed.isValid()) {
    return { ok: false, code: 'invalid_phone', reason: 'no such number' };
  }
  const type = phoneType(parsed.getType());
  if (!SMS_CAPABLE.has(type)) {
    return {
      ok: false,
      code: 'not_sms_capable',
      reason: `a ${type.replace(/_/g, ' ')} number`,
      e164: parsed.number,
      type,
    };
  }
  return { ok: true, e164: parsed.number, type };
}

/**
 * The key todoke stores and looks numbers up by: HMAC-SHA256 of the E.164 number with the server secret, hex.
 * Unlike the plain SHA-256 LINE needs, it cannot be reversed by hashing every possible number.
 */
export function phoneHmac(secret: string, e164: string): string {
  return createHmac('sha256', secret).update(e164).digest('hex');
}
