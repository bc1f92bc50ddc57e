import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.close());

const shipped = {
  templateKey: 'shipment_completed_ja',
  emphasizedItem: { itemKey: 'date_002_ja', content: '2024年8月10日(土)' },
  items: [{ itemKey: 'number_001_ja', content: '1234567' }],
  buttons: [{ buttonKey: 'check_delivery_status_ja', url: 'https://example.com/CheckDeliveryStatus/' }],
};

function send(
  lineTemplate: unknown,
  extra: Record<string, unknown> = { text: 'ご注文の商品を発送しました。' },
) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: t.auth,
    payload: {
      to: { phone: '090-1234-5678' },
      purpose: 'shipping_notice',
      route: 'line-then-sms',
      content: { line_pnp: { template: lineTemplate } },
      ...extra,
    },
  });
}

describe('POST /v1/messages with content.line_pnp.template', () => {
  it('accepts a LINE notification message template, and the text for the other channels', async () => {
    const res = await send(shipped);
    expect(res.statusCode).toBe(202);
    const stored = await t.store.getMessage(res.json().id);
    const { templateKey, ...body } = shipped;
    expect(stored!.content).toEqual({
      text: 'ご注文の商品を発送しました。',
      channels: { line_pnp: { text: '', pnpTemplate: { templateKey, body } } },
    });
  });

  it('still needs the SMS text of the fallback step', async () => {
    const res = await send(shipped, {});
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'missing_content', detail: expect.stringContaining('sms') });
  });

  const refusals: [string, unknown, string][] = [
    [
      'an emphasized item of 16 characters',
      { ...shipped, emphasizedItem: { itemKey: 'd', content: 'x'.repeat(16) } },
      'content.line_pnp.template.emphasizedItem.content',
    ],
    [
      '16 items',
      { ...shipped, items: Array.from({ length: 16 }, (_, i) => ({ itemKey: `k${i}`, content: 'x' })) },
      'content.line_pnp.template.items',
    ],
    [
      'an item of 301 characters',
      { ...shipped, items: [{ itemKey: 'k', content: 'x'.repeat(301) }] },
      'content.line_pnp.template.items.0.content',
    ],
    [
      'three buttons',
      { ...shipped, buttons: [1, 2, 3].map((i) => ({ buttonKey: `b${i}`, url: 'https://example.com/' })) },
      'content.line_pnp.template.buttons',
    ],
    [
      'a button URL of 1,001 characters',
      { ...shipped, buttons: [{ buttonKey: 'b', url: `https://example.com/${'a'.repeat(981)}` }] },
      'content.line_pnp.template.buttons.0.url',
    ],
    [
      'a button URL that is not http(s)',
      { ...shipped, buttons: [{ buttonKey: 'b', url: 'javascript:alert(1)' }] },
      'content.line_pnp.template.buttons.0.url',
    ],
    [
      'the same itemKey twice',
      { ...shipped, items: [{ itemKey: 'date_002_ja', content: 'x' }] },
      'content.line_pnp.template.items.0.itemKey',
    ],
    ['no templateKey', { items: shipped.items }, 'content.line_pnp'],
  ];

  it.each(refusals)(
    'refuses %s when the message is accepted, naming the field',
    async (_name, template, path) => {
      const res = await send(template);
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'validation_failed' });
      expect(JSON.stringify(res.json())).toContain(path);
      expect(await t.store.listMessages({ limit: 10 })).toEqual([]);
    },
  );

  it('refuses text and template together: LINE sends one or the other', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: t.auth,
      payload: {
        to: { phone: '090-1234-5678' },
        purpose: 'shipping_notice',
        route: 'line-then-sms',
        text: '発送しました',
        content: { line_pnp: { text: '発送しました', template: shipped } },
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toContain('give text or template, not both');
  });

  it('documents the template and its limits in the OpenAPI document', async () => {
    const spec = JSON.stringify((await t.app.inject('/docs/json')).json());
    expect(spec).toContain('templateKey');
    expect(spec).toContain('emphasizedItem');
  });
});
