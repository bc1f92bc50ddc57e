import {
  DOMESTIC_SMS_MAX_CHARACTERS,
  overLimitByCarrier,
  unitsByCarrier,
  type CarrierFlags,
  type CarrierUnits,
} from './carriers.js';
import { countSmsParts, type SmsEncoding } from './sms-parts.js';

export interface SmsMeasurement {
  readonly channel: 'sms';
  /** UTF-16 code units: what domestic gateways and UCS-2 count (an emoji outside the BMP counts two). */
  readonly characters: number;
  readonly encoding: SmsEncoding;
  /** Septets for GSM-7 (extension characters count two), code units for UCS-2. */
  readonly encodedLength: number;
  /** Parts as Twilio sends and bills them. */
  readonly parts: number;
  /** Billing units through a domestic gateway, per recipient carrier. */
  readonly unitsByCarrier: CarrierUnits;
  /** The strictest carrier limit (660): longer may be rejected, depending on the recipient's carrier. */
  readonly limit: number;
  readonly overLimit: boolean;
  readonly overLimitByCarrier: CarrierFlags;
}

/**
 * Measures an SMS body as it will be sent (normalise it first with `normalizeForSms`). Domestic gateways count
 * characters, full-width and half-width alike, so carrier units and limits use `characters` for GSM-7 texts
 * too; Twilio's parts use the encoding.
 */
export function measureSms(text: string): SmsMeasurement {
  const { encoding, encodedLength, parts } = countSmsParts(text);
  const characters = text.length;
  return {
    channel: 'sms',
    characters,
    encoding,
    encodedLength,
    parts,
    unitsByCarrier: unitsByCarrier(characters),
    limit: DOMESTIC_SMS_MAX_CHARACTERS,
    overLimit: characters > DOMESTIC_SMS_MAX_CHARACTERS,
    overLimitByCarrier: overLimitByCarrier(characters),
  };
}
