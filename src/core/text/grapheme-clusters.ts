/**
 * Whether a text may hold a grapheme cluster of more than one code point (an emoji ZWJ sequence or with a skin
 * tone, a keycap, a flag, a base letter with a combining mark, a kana with a combining voiced mark …).
 * It answers true for anything outside the ranges where every code point is a cluster by itself (ASCII, Latin,
 * Greek, Cyrillic, general punctuation, symbols, kana, CJK, Hangul syllables, full- and half-width forms), so
 * the exact but slow segmentation runs only for such texts. CR LF is one cluster in Unicode but Twilio
 * counts it as two characters, so control characters count as simple.
 */
export function mayHaveMultiCodePointClusters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x0300) continue;
    if (c >= 0x3000 && c <= 0x9fff) {
      if (c === 0x3099 || c === 0x309a || (c >= 0x302a && c <= 0x302f)) return true;
      continue;
    }
    if (c >= 0x0370 && c <= 0x0482) continue;
    if (c >= 0x2010 && c <= 0x2bff) {
      if ((c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) || (c >= 0x20d0 && c <= 0x20ff))
        return true;
      continue;
    }
    if (c >= 0xac00 && c <= 0xd7a3) continue;
    if (c >= 0xf900 && c <= 0xfaff) continue;
    if (c >= 0xff01 && c <= 0xff9d) continue;
    if (c >= 0xffa0 && c <= 0xffef) continue;
    return true;
  }
  return false;
}

let segmenter: Intl.Segmenter | undefined;

/**
 * UTF-16 lengths of the text's grapheme clusters, in order, with CR LF as two clusters of one (as Twilio's
 * segment calculator does). Only for the rare texts `mayHaveMultiCodePointClusters` lets through.
 */
export function clusterLengths(text: string): number[] {
  segmenter ??= new Intl.Segmenter('und', { granularity: 'grapheme' });
  const lengths: number[] = [];
  for (const { segment } of segmenter.segment(text)) {
    if (segment === '\r\n') lengths.push(1, 1);
    else lengths.push(segment.length);
  }
  return lengths;
}
