import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
let templateId: string;
beforeEach(async () => {
  t = await startTestApp();
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/templates',
    headers: t.auth,
    payload: {
      name: 'payment-reminder',
      purpose: 'payment_reminder',
      channels: {
        line_pnp: { text: '{{ name }}様 ご請求額{{ amount | yen }}' },
        sms: { text: '{{ name }}様 ご請求額{{ amount | yen: "symbol" }} {{ shop }}' },
      },
      optionalVariables: ['shop'],
    },
  });
  templateId = res.json().id;
});
afterEach(() => t.close());

const base = { to: { phone: '090-1234-5678' }, purpose: 'payment_reminder', route: 'line-then-sms' };

function send(body: unknown) {
  return t.app.inject({ method: 'POST', url: '/v1/messages', headers: t.auth, payload: body as object });
}

describe('POST /v1/messages with a template', () => {
  it('renders the route channels at acceptance and records the template version', async () => {
    const res = await send({
      ...base,
      template: 'payment-reminder',
      variables: { name: '山田', amount: 12345, shop: 'ｶﾞｽﾄ' },
    });
    expect(res.statusCode).toBe(202);
    const stored = await t.store.getMessage(res.json().id);
    expect(stored!.content).toEqual({
      channels: {
        line_pnp: { text: '山田様 ご請求額12,345円' },
        sms: { text: '山田様 ご請求額￥12,345 ガスト' },
      },
      template: { id: templateId, name: 'payment-reminder', version: 1 },
    });
    const view = await t.app.inject({ method: 'GET', url: `/v1/messages/${res.json().id}`, headers: t.auth });
    expect(view.json().template).toEqual({ id: templateId, name: 'payment-reminder', version: 1 });
  });

  it('keeps an accepted message as rendered when a later version is added', async () => {
    const first = await send({
      ...base,
      template: 'payment-reminder',
      variables: { name: '山田', amount: 1 },
    });
    await t.app.inject({
      method: 'POST',
      url: `/v1/templates/${templateId}/versions`,
      headers: t.auth,
      payload: { channels: { line_pnp: { text: 'v2 {{ name }}' }, sms: { text: 'v2 {{ name }}' } } },
    });
    const second = await send({
      ...base,
      template: 'payment-reminder',
      variables: { name: '山田', amount: 1 },
    });
    const pinned = await send({
      ...base,
      template: { id: templateId, version: 1 },
      variables: { name: '佐藤', amount: 1 },
    });
    const [a, b, c] = await Promise.all(
      [first, second, pinned].map(async (r) => (await t.store.getMessage(r.json().id))!.content),
    );
    expect(a).toMatchObject({ channels: { sms: { text: '山田様 ご請求額￥1 ' } }, template: { version: 1 } });
    expect(b).toMatchObject({ channels: { sms: { text: 'v2 山田' } }, template: { version: 2 } });
    expect(c).toMatchObject({ channels: { sms: { text: '佐藤様 ご請求額￥1 ' } }, template: { version: 1 } });
  });

  it.each([
    ['left out', { amount: 1 }],
    ['empty', { name: '', amount: 1 }],
  ])('refuses a required variable %s with 422 missing_variable naming it', async (_how, variables) => {
    const res = await send({ ...base, template: 'payment-reminder', variables });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'missing_variable', variables: ['name'] });
    expect(res.json().detail).toContain('name');
    expect(await t.store.listMessages({ limit: 10 })).toEqual([]);
  });

  it('refuses a value a filter cannot format', async () => {
    const res = await send({
      ...base,
      template: 'payment-reminder',
      variables: { name: '山田', amount: 'たくさん' },
    });
    expect(res.json()).toMatchObject({ code: 'invalid_variable', filter: 'yen' });
  });

  it('needs content for every channel of the route', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/v1/templates',
      headers: t.auth,
      payload: { name: 'sms-only', channels: { sms: { text: 'x' } } },
    });
    const res = await send({ ...base, template: 'sms-only' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'missing_content' });
  });

  it.each([
    ['an unknown template', { template: 'nope' }, 404, 'template_not_found'],
    ['an unknown version', { template: { id: 'x', version: 9 } }, 404, 'template_not_found'],
    ['a template and a text', { template: 'payment-reminder', text: 'x' }, 422, 'validation_failed'],
    ['variables without a template', { text: 'x', variables: { a: 1 } }, 422, 'validation_failed'],
  ])('refuses %s', async (_name, extra, status, code) => {
    const res = await send({ ...base, ...extra });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code });
  });

  it('renders templates in a batch, each item on its own', async () => {
    const item = (variables: object, template: unknown = 'payment-reminder') => ({
      ...base,
      template,
      variables,
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/messages/batch',
      headers: t.auth,
      payload: {
        items: [item({ name: 'A', amount: 1 }), item({ amount: 1 }), item({ name: 'C', amount: 3 }, 'nope')],
      },
    });
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items[0]).toMatchObject({ status: 'accepted' });
    expect(items[1]).toMatchObject({ error: { code: 'missing_variable', variables: ['name'] } });
    expect(items[2]).toMatchObject({ error: { code: 'template_not_found' } });
  });
});

describe('content rules at acceptance', () => {
  it('refuses content at level block with 422 content_blocked listing the findings', async () => {
    const res = await send({ ...base, route: 'sms-only', text: 'あ'.repeat(661) });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'content_blocked',
      findings: [{ channel: 'sms', ruleId: 'over_length', level: 'block', start: 660, end: 661 }],
    });
  });

  it('lets warnings through', async () => {
    const res = await send({ ...base, route: 'sms-only', text: '詳細は https://example.jp/a' });
    expect(res.statusCode).toBe(202);
  });
});

describe('POST /v1/messages with a LINE notification message template', () => {
  async function createPnpTemplate(emphasized: string) {
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/templates',
      headers: t.auth,
      payload: {
        name: 'pnp-template',
        purpose: 'payment_reminder',
        channels: {
          line_pnp: {
            template: {
              templateKey: 'payment_reminder_ja',
              emphasizedItem: { itemKey: 'price_001_ja', content: emphasized },
            },
          },
          sms: { text: 'ご請求額{{ amount | yen }}' },
        },
      },
    });
    if (created.statusCode >= 300) throw new Error(created.body);
  }

  it('renders the LINE template at acceptance, for the LINE client to send as a template', async () => {
    await createPnpTemplate('{{ amount | yen }}');
    const res = await send({ ...base, template: 'pnp-template', variables: { amount: 5000 } });
    expect(res.statusCode).toBe(202);
    const stored = await t.store.getMessage(res.json().id);
    expect(stored!.content.channels?.line_pnp).toEqual({
      text: '',
      pnpTemplate: {
        templateKey: 'payment_reminder_ja',
        body: { emphasizedItem: { itemKey: 'price_001_ja', content: '5,000円' } },
      },
    });
  });

  it('refuses, when accepting, a rendering beyond LINE’s limits: not a failed send later', async () => {
    await createPnpTemplate('{{ note }}');
    const res = await send({
      ...base,
      template: 'pnp-template',
      variables: { note: 'x'.repeat(16), amount: 1 },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'content_blocked',
      findings: [
        { channel: 'line_pnp', ruleId: 'pnp_template_fields', field: 'body.emphasizedItem.content' },
      ],
    });
  });
});
