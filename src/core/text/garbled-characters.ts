import { isJisX0208, isVendorExtension } from './jis-x-0208.js';

/**
 * Why a character may arrive garbled (文字化け) or as "?" on a Japanese phone by SMS:
 * - `halfwidth_katakana`: ｱｲｳ (JIS X 0201); `normalizeForSms` turns them full-width.
 * - `machine_dependent`: 機種依存文字 — NEC/IBM extensions of Windows Shift_JIS (①, Ⅲ, ㈱, ㍻, ㎝, 髙, 﨑).
 * - `emoji`: pictographs and their joiners/selectors; carriers' gateways drop or mangle them.
 * - `control`: control characters other than line breaks (tab, NUL …).
 * - `outside_jis_x_0208`: anything else a Japanese Shift_JIS/JIS leg cannot carry (¥ U+00A5, ♡, é, 𠮷, a lone
 *   surrogate …). Printable ASCII and CR/LF are safe; everything in JIS X 0208 is safe.
 */
export type GarbleKind =
  'halfwidth_katakana' | 'machine_dependent' | 'emoji' | 'control' | 'outside_jis_x_0208';

export interface GarbledCharacter {
  /** Position in UTF-16 code units, end exclusive (a surrogate pair spans two). */
  readonly start: number;
  readonly end: number;
  readonly character: string;
  readonly kind: GarbleKind;
}

const NONE: readonly GarbledCharacter[] = Object.freeze([]);
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Emoji_Component}/u;

/** Every character of `text` a carrier may garble, in order; an empty (shared) array when there is none. */
export function findGarbledCharacters(text: string): readonly GarbledCharacter[] {
  let found: GarbledCharacter[] | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d) continue;
    if (c >= 0x80 && isJisX0208(c)) continue;
    let end = i + 1;
    if (c >= 0xd800 && c <= 0xdbff && end < text.length && (text.charCodeAt(end) & 0xfc00) === 0xdc00) end++;
    const character = text.slice(i, end);
    (found ??= []).push({ start: i, end, character, kind: kindOf(c, character) });
    i = end - 1;
  }
  return found ?? NONE;
}

function kindOf(c: number, character: string): GarbleKind {
  if (c >= 0xff61 && c <= 0xff9f) return 'halfwidth_katakana';
  if (isVendorExtension(c)) return 'machine_dependent';
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return 'control';
  // Emoji_Component includes ASCII digits, # and *; those never reach here.
  if (c === 0x200d || (c >= 0xfe00 && c <= 0xfe0f) || PICTOGRAPHIC.test(character)) return 'emoji';
  return 'outside_jis_x_0208';
}
