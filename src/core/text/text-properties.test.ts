import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CARRIERS } from './carriers.js';
import { findGarbledCharacters } from './garbled-characters.js';
import { mayHaveMultiCodePointClusters } from './grapheme-clusters.js';
import { gsm7Septets } from './gsm7.js';
import { CHANNELS } from '../channels.js';
import { measureSms } from './measure-sms.js';
import { measureText } from './measure-text.js';
import { normalizeForSms } from './normalize-for-sms.js';
import { checkContent } from './rules/check-content.js';
import { findUrls } from './rules/find-urls.js';

/** Grapheme strings (emoji sequences, combining marks) and arbitrary code points, lone surrogates included. */
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({
    unit: fc.constantFrom('あ', 'ｶ', 'ﾞ', '\u3099', '😀', '\u200d', ']', 'a', '.', 'w', 'h', '/', ':'),
    maxLength: 800,
  }),
);
const level = fc.constantFrom('off', 'warn', 'block');
const segmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });

/** Twilio's segment calculator, restated plainly (graphemes everywhere, parts of 153/67) as an oracle. */
function referenceParts(text: string): number {
  const clusters = [...segmenter.segment(text)].flatMap(({ segment }) =>
    segment === '\r\n' ? ['\r', '\n'] : [segment],
  );
  const gsm = clusters.every((c) => c.length === 1 && gsm7Septets(c.charCodeAt(0)) > 0);
  const widths = clusters.map((c) => (gsm ? gsm7Septets(c.charCodeAt(0)) : c.length));
  const total = widths.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  if (total <= (gsm ? 160 : 70)) return 1;
  let parts = 1;
  let used = 0;
  for (const w of widths) {
    if (used > 0 && used + w > (gsm ? 153 : 67)) {
      parts++;
      used = w;
    } else used += w;
  }
  return parts;
}

describe('text properties (fast-check)', () => {
  it('never throws: measurement, normalisation, garbled characters, URLs, every rule at every level', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.boolean(),
        level,
        level,
        level,
        level,
        level,
        (text, promotional, l1, l2, l3, l4, l5) => {
          for (const channel of CHANNELS) {
            measureText(channel, text);
            checkContent(
              {
                channel,
                text,
                promotional,
                purpose: 'p',
                subject: text,
                pnpTemplate: { emphasizedItem: { itemKey: text, content: text } },
              },
              {
                sms_url: l1,
                line_pnp_promotion: l2,
                over_length: l3,
                pnp_template_fields: l4,
                missing_opt_out: l5,
              },
            );
          }
          normalizeForSms(text);
          findGarbledCharacters(text);
          findUrls(text);
        },
      ),
    );
  });

  it('counts parts exactly as the reference calculator does', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(measureSms(text).parts).toBe(referenceParts(text));
      }),
    );
  });

  it('uses the fast path only for texts whose every code unit is a cluster of its own', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        if (mayHaveMultiCodePointClusters(text)) return;
        for (const { segment } of segmenter.segment(text))
          expect(segment === '\r\n' || segment.length === 1).toBe(true);
      }),
    );
  });

  it('never lowers parts or carrier units when text is appended', () => {
    fc.assert(
      fc.property(anyText, anyText, (text, more) => {
        const before = measureSms(text);
        const after = measureSms(text + more);
        expect(after.parts).toBeGreaterThanOrEqual(before.parts);
        expect(after.characters).toBeGreaterThanOrEqual(before.characters);
        for (const carrier of CARRIERS) {
          expect(after.unitsByCarrier[carrier]).toBeGreaterThanOrEqual(before.unitsByCarrier[carrier]);
        }
      }),
    );
  });

  it('grows parts and units monotonically with the length of uniform text', () => {
    for (const unit of ['あ', 'a', ']', '😀']) {
      let previous = measureSms('');
      // Up to past every limit: 700 characters, or 720 UTF-16 code units of emoji.
      for (let n = 1; n <= (unit.length === 2 ? 360 : 700); n++) {
        const current = measureSms(unit.repeat(n));
        expect(current.parts).toBeGreaterThanOrEqual(previous.parts);
        for (const carrier of CARRIERS) {
          expect(current.unitsByCarrier[carrier]).toBeGreaterThanOrEqual(previous.unitsByCarrier[carrier]);
        }
        previous = current;
      }
    }
  });

  it('normalises idempotently, never longer, leaving no half-width katakana', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const normalized = normalizeForSms(text);
        expect(normalizeForSms(normalized)).toBe(normalized);
        expect(normalized.length).toBeLessThanOrEqual(text.length);
        expect(findGarbledCharacters(normalized).some((g) => g.kind === 'halfwidth_katakana')).toBe(false);
      }),
    );
  });

  it('reports garbled characters and URLs as ordered, disjoint spans inside the text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const spans of [findGarbledCharacters(text), findUrls(text)]) {
          let last = 0;
          for (const { start, end } of spans) {
            expect(start).toBeGreaterThanOrEqual(last);
            expect(end).toBeGreaterThan(start);
            expect(end).toBeLessThanOrEqual(text.length);
            last = end;
          }
        }
      }),
    );
  });
});
