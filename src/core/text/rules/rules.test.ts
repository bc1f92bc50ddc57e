import { describe, expect, it } from 'vitest';
import { linePnpPromotionRule } from './line-pnp-promotion.js';
import { hasOptOutWording, missingOptOutRule } from './missing-opt-out.js';
import { overLengthRule } from './over-length.js';
import { pnpTemplateFieldsRule } from './pnp-template-fields.js';
import { smsUrlRule } from './sms-url.js';

describe('sms_url', () => {
  it('reports each URL of an SMS at its position', () => {
    const text = 'ｗｗｗ．ｘ．ｊｐ と https://y.jp';
    expect(smsUrlRule.check({ channel: 'sms', text }).map((f) => [f.start, f.end])).toEqual([
      [0, 8],
      [11, 23],
    ]);
  });
  it('leaves URLs in LINE and e-mail alone', () => {
    for (const channel of ['line_pnp', 'line_push', 'email'] as const) {
      expect(smsUrlRule.check({ channel, text: 'https://x.jp' })).toEqual([]);
    }
  });
});

describe('line_pnp_promotion', () => {
  it('reports a promotional purpose only on LINE notification messages', () => {
    const input = { text: 'セール', purpose: 'promotion', promotional: true };
    expect(linePnpPromotionRule.check({ ...input, channel: 'line_pnp' })).toHaveLength(1);
    expect(linePnpPromotionRule.check({ ...input, channel: 'line_push' })).toEqual([]);
    expect(linePnpPromotionRule.check({ ...input, channel: 'line_pnp', promotional: false })).toEqual([]);
  });
  it('names the purpose in the message', () => {
    const [found] = linePnpPromotionRule.check({
      channel: 'line_pnp',
      text: '',
      purpose: 'campaign',
      promotional: true,
    });
    expect(found?.messages.en).toContain('"campaign"');
  });
});

describe('over_length', () => {
  it.each([
    ['sms', 660, 0],
    ['sms', 661, 1],
    ['line_pnp', 5000, 0],
    ['line_push', 5001, 1],
    ['email', 100_000, 0],
  ] as const)('%s with %i characters: %i findings', (channel, length, count) => {
    expect(overLengthRule.check({ channel, text: 'あ'.repeat(length) })).toHaveLength(count);
  });
  it('marks the excess from the limit on, never inside a surrogate pair', () => {
    const text = 'あ'.repeat(659) + '😀' + 'い';
    const [found] = overLengthRule.check({ channel: 'sms', text });
    expect([found?.start, found?.end]).toEqual([659, 662]);
  });
});

describe('pnp_template_fields', () => {
  it('reports each violating field with its path', () => {
    const found = pnpTemplateFieldsRule.check({
      channel: 'line_pnp',
      text: '',
      pnpTemplate: {
        items: [{ itemKey: 'a', content: 'x'.repeat(301) }],
        buttons: [1, 2, 3].map((n) => ({ buttonKey: `b${n}`, url: 'https://x.jp' })),
      },
    });
    expect(found.map((f) => f.field)).toEqual(['body.items[0].content', 'body.buttons']);
  });
  it('ignores a template on other channels', () => {
    const pnpTemplate = { items: Array.from({ length: 20 }, (_, i) => ({ itemKey: `k${i}`, content: 'x' })) };
    expect(pnpTemplateFieldsRule.check({ channel: 'sms', text: '', pnpTemplate })).toEqual([]);
  });
});

describe('missing_opt_out', () => {
  it.each([
    '配信停止はこちら',
    '停止をご希望の方は',
    '配信解除：0120-000-000',
    '受信拒否の設定',
    'オプトアウト',
    'ｵﾌﾟﾄｱｳﾄ',
    'Reply STOP to opt out',
    'ＳＴＯＰと返信',
    'Unsubscribe',
    'opt-out',
  ])('accepts %j as opt-out wording', (text) => {
    expect(hasOptOutWording(text)).toBe(true);
  });
  it('requires the wording only in promotional SMS and e-mail', () => {
    const text = '新商品のご案内';
    expect(missingOptOutRule.check({ channel: 'sms', text, promotional: true })).toHaveLength(1);
    expect(missingOptOutRule.check({ channel: 'email', text, promotional: true })).toHaveLength(1);
    expect(missingOptOutRule.check({ channel: 'sms', text, promotional: false })).toEqual([]);
    expect(missingOptOutRule.check({ channel: 'line_push', text, promotional: true })).toEqual([]);
  });
  it('accepts the wording in the e-mail subject', () => {
    const input = {
      channel: 'email',
      text: '新商品のご案内',
      subject: '【配信停止可】ニュース',
      promotional: true,
    } as const;
    expect(missingOptOutRule.check(input)).toEqual([]);
  });
});
