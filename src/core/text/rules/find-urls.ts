/**
 * Finds URLs in free text the way a reader's phone would link them, including forms that slip past naive
 * checks: `https://…`, `www.…`, bare domains (`example.co.jp/pay`, `bit.ly/x`), and the same typed full-width
 * (`ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ`). One pass, no regular expressions, so no backtracking on hostile input.
 * Not detected: internationalised names written in Japanese (`日本語.jp`) and domains glued to preceding
 * ASCII letters (`abchttps://…`).
 */

export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/** Top-level domains recognised without a scheme or `www.`: common generic ones, link shorteners, Japan. */
const BARE_TLDS = new Set(
  (
    'com net org info biz name pro mobi asia xyz top site online shop store club app dev page link live life ' +
    'work world today tech cloud icu vip fun space website click buzz monster cam rest bond cfd sbs best ltd ' +
    'co io ly me cc tv gl gd to ws su tk ml ga cf gq ' +
    'jp us uk cn kr tw hk sg th vn ph id my au nz ca de fr es nl ru br tokyo osaka nagoya yokohama kyoto okinawa'
  ).split(' '),
);

/** Full-width ASCII (U+FF01–U+FF5E) folded to ASCII; anything else unchanged. */
function fold(c: number): number {
  return c >= 0xff01 && c <= 0xff5e ? c - 0xfee0 : c;
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

const DOT = 0x2e;
const SLASH = 0x2f;
const COLON = 0x3a;

function isHostChar(c: number): boolean {
  return isAlnum(c) || c === 0x2d;
}

/** Characters that continue a word, so a URL cannot start right after them. */
function continuesWord(c: number): boolean {
  return isHostChar(c) || c === DOT || c === 0x5f || c === 0x40;
}

/** Printable ASCII a URL path may hold, without brackets and quotes that usually close around a URL. */
function isPathChar(c: number): boolean {
  if (c <= 0x20 || c >= 0x7f) return false;
  return !'()<>[]{}"\'`^|\\'.includes(String.fromCharCode(c));
}

/** Sentence punctuation that ends a URL rather than belonging to it. */
function isTrailingPunctuation(c: number): boolean {
  return c === DOT || c === 0x2c || c === 0x21 || c === 0x3f || c === COLON || c === 0x3b;
}

/** The code unit at `i`, full-width folded and lower-cased; -1 past the end. */
function at(text: string, i: number): number {
  return i < text.length ? lower(fold(text.charCodeAt(i))) : -1;
}

/** The text between `start` and `end`, folded to lower-case ASCII. */
function folded(text: string, start: number, end: number): string {
  let out = '';
  for (let k = start; k < end; k++) out += String.fromCharCode(at(text, k));
  return out;
}

/** End of the URL whose path may start at `from` (trailing punctuation left out). */
function tail(text: string, from: number): number {
  let end = from;
  while (end < text.length && isPathChar(at(text, end))) end++;
  while (end > from && isTrailingPunctuation(at(text, end - 1))) end--;
  return end;
}

/** Index after `https://` or `http://` at `i`, or -1. */
function afterScheme(text: string, i: number): number {
  if (
    at(text, i) !== 0x68 ||
    at(text, i + 1) !== 0x74 ||
    at(text, i + 2) !== 0x74 ||
    at(text, i + 3) !== 0x70
  ) {
    return -1;
  }
  let j = i + 4;
  if (at(text, j) === 0x73) j++;
  return at(text, j) === COLON && at(text, j + 1) === SLASH && at(text, j + 2) === SLASH ? j + 3 : -1;
}

function isWww(text: string, i: number): boolean {
  return (
    at(text, i) === 0x77 &&
    at(text, i + 1) === 0x77 &&
    at(text, i + 2) === 0x77 &&
    at(text, i + 3) === DOT &&
    isHostChar(at(text, i + 4))
  );
}

/** End of a bare domain (with its path) starting at `i`, given the run of host characters and dots; or -1. */
function bareDomainEnd(text: string, i: number, runEnd: number): number {
  let end = runEnd;
  while (end > i && at(text, end - 1) === DOT) end--;
  let labels = 0;
  let labelStart = i;
  let numericLabels = 0;
  for (let j = i; j <= end; j++) {
    if (j < end && at(text, j) !== DOT) continue;
    if (j === labelStart) return -1; // empty label: "..", or a leading dot
    labels++;
    let numeric = true;
    for (let k = labelStart; k < j; k++) {
      const c = at(text, k);
      if (c < 0x30 || c > 0x39) numeric = false;
    }
    if (numeric) numericLabels++;
    if (j === end && labels >= 2) {
      const next = at(text, end);
      const isIpv4 = labels === 4 && numericLabels === 4 && (next === SLASH || next === COLON);
      if (!isIpv4 && !BARE_TLDS.has(folded(text, labelStart, j))) return -1;
    }
    labelStart = j + 1;
  }
  if (labels < 2) return -1;
  const next = at(text, end);
  return next === SLASH || next === COLON || next === 0x3f || next === 0x23
    ? Math.max(end, tail(text, end))
    : end;
}

const NONE: readonly TextSpan[] = Object.freeze([]);

/** Every URL in `text`, in order; an empty (shared) array when there is none. */
export function findUrls(text: string): readonly TextSpan[] {
  let spans: TextSpan[] | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    // Kana, kanji and most symbols can never start a URL: skip them without folding.
    if ((c >= 0x80 && (c < 0xff10 || c > 0xff5a)) || !isHostChar(at(text, i))) {
      i++;
      continue;
    }
    let runEnd = i;
    while (runEnd < text.length && (isHostChar(at(text, runEnd)) || at(text, runEnd) === DOT)) runEnd++;
    if (i > 0 && continuesWord(at(text, i - 1))) {
      i = runEnd;
      continue;
    }
    const schemeEnd = afterScheme(text, i);
    let end: number;
    // Any host counts after a scheme, even one written in Japanese (the span then ends after the scheme).
    if (schemeEnd >= 0) end = tail(text, schemeEnd);
    else if (isWww(text, i)) end = tail(text, i);
    else end = bareDomainEnd(text, i, runEnd);
    if (end > i) {
      (spans ??= []).push({ start: i, end });
      i = end;
    } else i = runEnd;
  }
  return spans ?? NONE;
}
