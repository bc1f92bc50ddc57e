import { describe, expect, it } from 'vitest';
import type { ActiveLevel, ContentInput, RuleId, RuleLevel } from './content-rule.js';
import { CONTENT_RULES, DEFAULT_RULE_LEVELS, checkContent } from './check-content.js';

/** For each rule: an input it flags, with the span it must point at. */
const violating: Record<RuleId, { input: ContentInput; start: number; end: number; field?: string }> = {
  sms_url: { input: { channel: 'sms', text: '詳細は https://x.jp/a へ' }, start: 4, end: 18 },
  line_pnp_promotion: {
    input: { channel: 'line_pnp', text: '秋のセール開催中', purpose: 'promotion', promotional: true },
    start: 0,
    end: 8,
  },
  over_length: { input: { channel: 'sms', text: 'あ'.repeat(661) }, start: 660, end: 661 },
  pnp_template_fields: {
    input: {
      channel: 'line_pnp',
      text: '',
      pnpTemplate: { emphasizedItem: { itemKey: 'price_001_ja', content: '1,234,567,890,123円' } },
    },
    start: 15,
    end: 18,
    field: 'body.emphasizedItem.content',
  },
  missing_opt_out: {
    input: { channel: 'sms', text: '新商品のご案内です', purpose: 'promotion', promotional: true },
    start: 0,
    end: 9,
  },
};

const levels: RuleLevel[] = ['off', 'warn', 'block'];
const cases = CONTENT_RULES.flatMap((rule) => levels.map((level) => [rule.id, level] as const));

describe('checkContent: each rule at each level', () => {
  it.each(cases)('%s at %s', (ruleId, level) => {
    const { input, start, end, field } = violating[ruleId];
    const result = checkContent(input, { [ruleId]: level });
    const own = result.findings.filter((f) => f.ruleId === ruleId);
    if (level === 'off') {
      expect(own).toEqual([]);
      return;
    }
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ ruleId, level, start, end });
    if (field !== undefined) expect(own[0]?.field).toBe(field);
    expect(result.blocked).toBe(result.findings.some((f) => f.level === 'block'));
    if (level === 'block') expect(result.blocked).toBe(true);
  });

  it('writes each message in Japanese, then English', () => {
    for (const { input } of Object.values(violating)) {
      for (const found of checkContent(input).findings) {
        expect(found.message).toBe(`${found.messages.ja} / ${found.messages.en}`);
        expect(found.messages.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
        expect(found.messages.en).toMatch(/^[A-Z][a-z]/);
      }
    }
  });

  it('describes every rule in both languages', () => {
    for (const rule of CONTENT_RULES) {
      expect(rule.description.ja).not.toBe('');
      expect(rule.description.en).not.toBe('');
    }
  });

  it('uses each rule default level when none is configured', () => {
    expect(DEFAULT_RULE_LEVELS).toEqual({
      over_length: 'block',
      pnp_template_fields: 'block',
      line_pnp_promotion: 'block',
      sms_url: 'warn',
      missing_opt_out: 'block',
    });
    const result = checkContent(violating.sms_url.input);
    expect(result.findings.map((f) => [f.ruleId, f.level])).toEqual([['sms_url', 'warn']]);
    expect(result.blocked).toBe(false);
  });

  it('is not blocked when only warnings are found', () => {
    const all = Object.fromEntries(CONTENT_RULES.map((r) => [r.id, 'warn' as ActiveLevel]));
    const result = checkContent(violating.over_length.input, all);
    expect(result.findings).toHaveLength(1);
    expect(result.blocked).toBe(false);
  });

  it('finds nothing in a clean transactional reminder', () => {
    for (const channel of ['sms', 'line_pnp', 'line_push', 'email'] as const) {
      const result = checkContent({
        channel,
        text: '【ABCカード】12月分のお支払い（12,345円）が確認できておりません。お手数ですがご確認ください。',
        purpose: 'payment_reminder',
        promotional: false,
      });
      expect(result).toEqual({ findings: [], blocked: false });
    }
  });
});
