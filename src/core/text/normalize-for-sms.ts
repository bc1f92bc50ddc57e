/**
 * Half-width katakana (JIS X 0201, U+FF61–U+FF9F) to full-width, for SMS: carriers and gateways garble them,
 * and a voiced kana typed half-width is two code points (ｶﾞ) that must become one (ガ). Full-width kana followed
 * by a combining voiced mark (U+3099/U+309A, common in text pasted from macOS) is composed too. Nothing else
 * changes (① or ㈱ stay: `findGarbledCharacters` reports them so the author can choose the replacement).
 */

// Full-width counterparts of U+FF61 … U+FF9F, in order (the same mapping as NFKC, but ﾞ/ﾟ standing alone
// become the spacing marks ゛/゜, not the combining ones NFKC gives).
const FULL_WIDTH =
  '。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜';
const FIRST = 0xff61;
const LAST = 0xff9f;
const HALF_VOICED = 0xff9e;
const HALF_SEMI_VOICED = 0xff9f;
const COMBINING_VOICED = 0x3099;
const COMBINING_SEMI_VOICED = 0x309a;
const SPACING_VOICED = '゛';
const SPACING_SEMI_VOICED = '゜';

function needsWork(c: number): boolean {
  // One comparison for the common case: ASCII, kana and kanji all lie below U+3099 or between the two ranges.
  return c >= COMBINING_VOICED && (c <= COMBINING_SEMI_VOICED || (c >= FIRST && c <= LAST));
}

function isVoicedMark(c: number): boolean {
  return c === HALF_VOICED || c === COMBINING_VOICED;
}

function isSemiVoicedMark(c: number): boolean {
  return c === HALF_SEMI_VOICED || c === COMBINING_SEMI_VOICED;
}

/** Returns the same string when there is nothing to change (the common case costs one scan, no allocation). */
export function normalizeForSms(text: string): string {
  let i = 0;
  while (i < text.length && !needsWork(text.charCodeAt(i))) i++;
  if (i === text.length) return text;
  // A voiced mark may belong to the character before it (カ + U+3099): start there.
  if (i > 0 && (isVoicedMark(text.charCodeAt(i)) || isSemiVoicedMark(text.charCodeAt(i)))) i--;

  let out = text.slice(0, i);
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const base = c >= FIRST && c <= LAST ? FULL_WIDTH.charAt(c - FIRST) : text.charAt(i);
    const next = i + 1 < text.length ? text.charCodeAt(i + 1) : -1;
    if (c === HALF_VOICED || c === COMBINING_VOICED) out += SPACING_VOICED;
    else if (c === HALF_SEMI_VOICED || c === COMBINING_SEMI_VOICED) out += SPACING_SEMI_VOICED;
    else if (isVoicedMark(next) || isSemiVoicedMark(next)) {
      const composed = (
        base + String.fromCharCode(isVoicedMark(next) ? COMBINING_VOICED : COMBINING_SEMI_VOICED)
      ).normalize('NFC');
      if (composed.length === 1) {
        out += composed;
        i++;
      } else out += base;
    } else out += base;
  }
  return out;
}
