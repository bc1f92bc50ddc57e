import { clusterLengths, mayHaveMultiCodePointClusters } from './grapheme-clusters.js';
import { gsm7Septets } from './gsm7.js';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/**
 * One SMS carries 140 octets: 160 GSM-7 septets or 70 UCS-2 code units. A concatenated part gives 6 octets to
 * the user data header, leaving 153 septets or 67 code units (Twilio, "How long can a message be?" and
 * "What is UCS-2 character encoding?"). Twilio accepts up to 1,600 characters per message.
 */
export const SMS_LIMITS = {
  gsm7SinglePart: 160,
  gsm7PerPart: 153,
  ucs2SinglePart: 70,
  ucs2PerPart: 67,
  twilioMaxCharacters: 1600,
} as const;

export interface SmsParts {
  readonly encoding: SmsEncoding;
  /** Septets (GSM-7, extension characters count two) or UCS-2 code units (an emoji outside the BMP counts two). */
  readonly encodedLength: number;
  /** Parts (Twilio "segments") the message is sent and billed as; 0 for an empty text. */
  readonly parts: number;
}

/**
 * Encoding and part count as Twilio counts them. A character is never split across two parts: a GSM-7
 * extension character (ESC + code) or a UCS-2 surrogate pair that would straddle a boundary starts the next
 * part, as Twilio does (message-segment-calculator issue #39: 153 "]" are sent as 3 segments, not 2), and so
 * does a grapheme cluster of several code points (an emoji ZWJ sequence), as Twilio's segment calculator does.
 * Every part holds 153/67: the calculator's first UCS-2 part holds 66 (an off-by-one in its header
 * handling), the documented 67 is used here.
 */
export function countSmsParts(text: string): SmsParts {
  const length = text.length;
  let septets = 0;
  let hasExtension = false;
  for (let i = 0; i < length; i++) {
    const width = gsm7Septets(text.charCodeAt(i));
    if (width === 0) return ucs2Parts(text);
    if (width === 2) hasExtension = true;
    septets += width;
  }
  let parts: number;
  if (septets === 0) parts = 0;
  else if (septets <= SMS_LIMITS.gsm7SinglePart) parts = 1;
  else if (!hasExtension) parts = Math.ceil(septets / SMS_LIMITS.gsm7PerPart);
  else parts = packGsm7(text);
  return { encoding: 'GSM-7', encodedLength: septets, parts };
}

function ucs2Parts(text: string): SmsParts {
  const units = text.length;
  let parts: number;
  if (units <= SMS_LIMITS.ucs2SinglePart) parts = 1;
  else if (mayHaveMultiCodePointClusters(text)) parts = pack(clusterLengths(text), SMS_LIMITS.ucs2PerPart);
  // Without surrogates or joining marks every code unit is a character by itself.
  else parts = Math.ceil(units / SMS_LIMITS.ucs2PerPart);
  return { encoding: 'UCS-2', encodedLength: units, parts };
}

function packGsm7(text: string): number {
  let parts = 1;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const width = gsm7Septets(text.charCodeAt(i));
    if (used + width > SMS_LIMITS.gsm7PerPart) {
      parts++;
      used = width;
    } else used += width;
  }
  return parts;
}

/** A cluster longer than a part gets a part of its own, as in Twilio's calculator. */
function pack(widths: readonly number[], perPart: number): number {
  let parts = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > perPart && used > 0) {
      parts++;
      used = width;
    } else used += width;
  }
  return parts;
}
