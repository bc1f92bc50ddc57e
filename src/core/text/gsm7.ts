/**
 * The GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1) as Twilio maps it
 * (TwilioDevEd/message-segment-calculator, UnicodeToGSM.ts): septets per UTF-16 code unit.
 * 1 = basic set, 2 = extension table (sent as ESC + code), 0 = not GSM-7 (the message falls back to UCS-2).
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Form feed, ^ { } \ [ ~ ] | € — each takes two septets. */
const EXTENSION = '\f^{}\\[~]|€';

const EURO = 0x20ac;
// Every GSM-7 character but € lies below U+0400, so a small table answers the hot loop without hashing.
const TABLE_SIZE = 0x400;
const WIDTH = new Uint8Array(TABLE_SIZE);
for (let i = 0; i < BASIC.length; i++) WIDTH[BASIC.charCodeAt(i)] = 1;
for (let i = 0; i < EXTENSION.length; i++) {
  const code = EXTENSION.charCodeAt(i);
  if (code < TABLE_SIZE) WIDTH[code] = 2;
}

/** Septets the UTF-16 code unit takes in GSM-7: 1, 2 (extension character) or 0 (not encodable). */
export function gsm7Septets(codeUnit: number): number {
  if (codeUnit < TABLE_SIZE) return WIDTH[codeUnit] ?? 0;
  return codeUnit === EURO ? 2 : 0;
}

export const GSM7_BASIC_CHARACTERS = BASIC;
export const GSM7_EXTENSION_CHARACTERS = EXTENSION;
