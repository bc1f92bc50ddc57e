/* eslint-disable @typescript-eslint/no-explicit-any -- test support: API answers are read as loosely as in the tests */
import { createApiKey } from '../api-keys.js';
import { startTestApp, type TestApp } from '../test-app.js';

/** A template with LINE and SMS text using a name and an amount. */
export const REMINDER_TEMPLATE = {
  name: 'reminder',
  purpose: 'usage_alert',
  channels: {
    line_pnp: { text: '{{ name }}様 ご利用額は{{ amount }}円です。' },
    sms: { text: '{{ name }}様 ご利用額{{ amount }}円' },
  },
};

export interface CampaignTestApp extends TestApp {
  /** Headers of a second operator's API key. */
  approver: { authorization: string };
  /** The id of the first key (the preparer). */
  preparerKeyId: string;
  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; text: string }>;
  /** POST a CSV body. */
  upload(
    url: string,
    csv: string | Buffer,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  createCampaign(overrides?: Record<string, unknown>): Promise<any>;
}

/** The test API with a reminder template and a second operator. */
export async function startCampaignApp(): Promise<CampaignTestApp> {
  const t = await startTestApp();
  const { key } = await createApiKey(t.store, 'approver', t.clock);
  const preparer = (await t.store.listApiKeys()).find((k) => k.name === 'test')!;
  const approver = { authorization: `Bearer ${key}` };
  const call: CampaignTestApp['call'] = async (method, url, payload, headers = t.auth) => {
    const res = await t.app.inject({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: res.statusCode, body: res.body ? safeJson(res.body) : null, text: res.body };
  };
  const template = await call('POST', '/v1/templates', REMINDER_TEMPLATE);
  if (template.status !== 201) throw new Error(`template: ${template.text}`);
  return {
    ...t,
    approver,
    preparerKeyId: preparer.id,
    call,
    async upload(url, csv, headers = t.auth) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { ...headers, 'content-type': 'text/csv' },
        payload: csv,
      });
      return { status: res.statusCode, body: safeJson(res.body) };
    },
    async createCampaign(overrides = {}) {
      const res = await call('POST', '/v1/campaigns', {
        name: '11月分 ご利用のお知らせ',
        template: 'reminder',
        route: 'line-then-sms',
        purpose: 'usage_alert',
        ...overrides,
      });
      if (res.status !== 201) throw new Error(`create: ${res.text}`);
      return res.body;
    },
  };
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A recipients CSV: header 電話番号,氏名,金額,顧客ID and one row per entry. */
export function recipientsCsv(rows: { phone: string; name: string; amount: number; id: string }[]): string {
  return ['電話番号,氏名,金額,顧客ID', ...rows.map((r) => `${r.phone},${r.name},${r.amount},${r.id}`)].join(
    '\r\n',
  );
}

/** `n` distinct mobile numbers 090-1000-0001 … as the CSV rows above. */
export function people(n: number, from = 1) {
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    return { phone: `0901${String(k).padStart(7, '0')}`, name: `顧客${k}`, amount: 1000 + k, id: `C-${k}` };
  });
}
