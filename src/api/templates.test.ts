import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.close());

const reminder = {
  name: 'payment-reminder',
  description: '督促 1 回目',
  purpose: 'payment_reminder',
  channels: {
    line_pnp: { text: '{{ name }}様 {{ month }}月分のご請求額{{ amount | yen }}のお支払いをお願いします。' },
    sms: { text: '{{ name }}様 ご請求額{{ amount | yen: "symbol" }} 期限{{ due | date_ja }}' },
  },
};

function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: t.auth, ...(payload ? { payload: payload as object } : {}) });
}

describe('POST /v1/templates', () => {
  it('stores a template with version 1 and shows it by id and by name', async () => {
    const res = await call('POST', '/v1/templates', reminder);
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      name: 'payment-reminder',
      purpose: 'payment_reminder',
      latestVersion: 1,
      latest: { version: 1, channels: reminder.channels, optionalVariables: [] },
      versions: [{ version: 1 }],
    });
    expect((await call('GET', `/v1/templates/${created.id}`)).json()).toEqual(created);
    expect((await call('GET', '/v1/templates/payment-reminder')).json()).toEqual(created);
    expect((await call('GET', '/v1/templates')).json()).toMatchObject({
      items: [{ id: created.id, name: 'payment-reminder', latestVersion: 1 }],
    });
  });

  it('refuses a second template of the same name with 409', async () => {
    await call('POST', '/v1/templates', reminder);
    const res = await call('POST', '/v1/templates', reminder);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'template_name_taken' });
  });

  it('refuses a template that does not parse, naming the field (unknown filters included)', async () => {
    const res = await call('POST', '/v1/templates', {
      ...reminder,
      channels: { sms: { text: '{{ amount | dollars }}' }, line_pnp: { text: '{% if %}' } },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'invalid_template',
      problems: [
        { field: 'line_pnp.text' },
        { field: 'sms.text', message: expect.stringContaining('dollars') },
      ],
    });
  });

  it('refuses LINE notification message content for a promotional purpose', async () => {
    const res = await call('POST', '/v1/templates', { ...reminder, name: 'sale', purpose: 'promotion' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'channel_not_allowed' });
  });

  it('answers 404 for a template that does not exist', async () => {
    const res = await call('GET', '/v1/templates/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'template_not_found' });
  });
});

describe('POST /v1/templates/{id}/versions', () => {
  it('adds versions that never change the earlier ones', async () => {
    const { id } = (await call('POST', '/v1/templates', reminder)).json();
    const res = await call('POST', `/v1/templates/${id}/versions`, {
      channels: { sms: { text: '【再送】{{ name }}様' } },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      templateId: id,
      version: 2,
      channels: { sms: { text: '【再送】{{ name }}様' } },
    });
    const detail = (await call('GET', `/v1/templates/${id}`)).json();
    expect(detail).toMatchObject({ latestVersion: 2, latest: { version: 2 } });
    expect(detail.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const first = (await call('GET', `/v1/templates/${id}/versions/1`)).json();
    expect(first).toMatchObject({ version: 1, channels: reminder.channels });
    expect((await call('GET', `/v1/templates/${id}/versions/3`)).json()).toMatchObject({
      code: 'template_version_not_found',
      latestVersion: 2,
    });
  });
});

describe('POST /v1/templates/{id}/preview', () => {
  it('shows each channel rendered, measured, linted and priced', async () => {
    const { id } = (await call('POST', '/v1/templates', reminder)).json();
    const res = await call('POST', `/v1/templates/${id}/preview`, {
      variables: { name: '山田', month: 11, amount: 12345, due: '2026-11-30' },
    });
    expect(res.statusCode).toBe(200);
    const preview = res.json();
    expect(preview.template).toEqual({ id, name: 'payment-reminder', version: 1 });
    expect(preview.purpose).toBe('payment_reminder');
    expect(preview.channels.sms).toMatchObject({
      content: { text: '山田様 ご請求額￥12,345 期限2026年11月30日(月)' },
      measurement: { channel: 'sms', encoding: 'UCS-2', parts: 1 },
      garbled: [],
      findings: [],
      blocked: false,
      cost: [{ account: 'twilio', provider: 'twilio', units: 1, unitPrice: 8, yen: 8 }],
    });
    expect(preview.channels.line_pnp).toMatchObject({
      content: { text: '山田様 11月分のご請求額12,345円のお支払いをお願いします。' },
      measurement: { channel: 'line_pnp', characters: 33 },
      cost: [{ account: 'line-main', units: 1, yen: 3 }],
    });
  });

  it('prices a long SMS by its parts and reports what carriers garble and what the rules find', async () => {
    const { id } = (
      await call('POST', '/v1/templates', {
        name: 'long',
        channels: { sms: { text: '{{ body }} 詳細は https://example.jp/{{ code }}' } },
      })
    ).json();
    const body = 'ご案内①'.repeat(20);
    const preview = (
      await call('POST', `/v1/templates/${id}/preview`, { variables: { body, code: 'x' } })
    ).json();
    expect(preview.channels.sms.measurement.parts).toBe(2);
    expect(preview.channels.sms.cost).toEqual([
      { account: 'twilio', provider: 'twilio', units: 2, unitPrice: 8, yen: 16 },
    ]);
    expect(preview.channels.sms.garbled[0]).toMatchObject({ character: '①', kind: 'machine_dependent' });
    expect(preview.channels.sms.findings).toEqual([
      expect.objectContaining({ ruleId: 'sms_url', level: 'warn' }),
    ]);
  });

  it('names the variables that are missing, as acceptance would', async () => {
    const { id } = (await call('POST', '/v1/templates', reminder)).json();
    const res = await call('POST', `/v1/templates/${id}/preview`, { variables: { name: '山田' } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'missing_variable', variables: ['month', 'amount', 'due'] });
  });

  it('previews an older version and only the channels asked for', async () => {
    const { id } = (await call('POST', '/v1/templates', reminder)).json();
    await call('POST', `/v1/templates/${id}/versions`, { channels: { sms: { text: 'v2 {{ name }}' } } });
    const preview = (
      await call('POST', `/v1/templates/${id}/preview`, {
        version: 1,
        channels: ['sms'],
        variables: { name: '山田', amount: 1, due: '2026-11-30' },
      })
    ).json();
    expect(preview.template.version).toBe(1);
    expect(Object.keys(preview.channels)).toEqual(['sms']);
  });
});
