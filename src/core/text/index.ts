/** Japanese text measurement and content rules: pure functions, no I/O, no clock. */
export {
  CARRIERS,
  CARRIER_RULES,
  DOMESTIC_SMS_MAX_CHARACTERS,
  carrierUnits,
  unitsByCarrier,
  overLimitByCarrier,
} from './carriers.js';
export type { Carrier, CarrierRule, CarrierUnits, CarrierFlags } from './carriers.js';
export { GSM7_BASIC_CHARACTERS, GSM7_EXTENSION_CHARACTERS, gsm7Septets } from './gsm7.js';
export { SMS_LIMITS, countSmsParts } from './sms-parts.js';
export type { SmsEncoding, SmsParts } from './sms-parts.js';
export { measureSms } from './measure-sms.js';
export type { SmsMeasurement } from './measure-sms.js';
export { measureText, textLimit } from './measure-text.js';
export type { TextMeasurement, LineTextMeasurement, EmailMeasurement } from './measure-text.js';
export { LINE_LIMITS, findPnpTemplateViolations } from './line-limits.js';
export type { PnpTemplateBody, PnpTemplateProblem, PnpTemplateViolation } from './line-limits.js';
export { normalizeForSms } from './normalize-for-sms.js';
export { findGarbledCharacters } from './garbled-characters.js';
export type { GarbleKind, GarbledCharacter } from './garbled-characters.js';
export { isJisX0208, isVendorExtension } from './jis-x-0208.js';
export * from './rules/index.js';
