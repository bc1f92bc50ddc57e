import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, spawnTodoke } from './support/processes.js';
import { startSingleServer, type SingleServer } from './support/single-server.js';

const N = 300;
const PREPARER_KEY = 'tdk_campaign_crash_preparer_key_00000000';
const phoneOf = (i: number) => `+8190400${String(i).padStart(5, '0')}`;
const behaviours = [
  { line: 'delivered', lineDelayMs: 50 },
  { line: 'not_found', sms: 'delivered', smsDelayMs: 50 },
] as const;

type Json = Record<string, any>;

describe('a campaign whose server is SIGKILLed mid-run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'todoke-campaign-crash-'));
  let stack: SingleServer | undefined;
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes after restarts with every recipient reached exactly once (sandbox ledger)', async () => {
    stack = await startSingleServer(dir, PREPARER_KEY);
    const { server, control, env, startServer } = stack;
    for (let i = 0; i < N; i++) await stack.setNumber(phoneOf(i), behaviours[i % behaviours.length]!);
    let child = await startServer();

    // The second operator's key, made with the CLI against the same data directory.
    const keys = spawnTodoke(['keys', 'create', '--name', 'approver'], env);
    await exited(keys);
    const approverKey = keys
      .output()
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.startsWith('tdk_'));
    expect(approverKey, keys.output()).toBeDefined();

    const call = async (method: 'GET' | 'POST', path: string, body?: unknown, key = PREPARER_KEY) => {
      const response = await request(`${server}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.statusCode, body: (await response.body.json()) as Json };
    };
    const template = await call('POST', '/v1/templates', {
      name: 'reminder',
      channels: {
        line_pnp: { text: '{{ name }}様 ご利用額は{{ amount }}円です。' },
        sms: { text: '{{ name }}様 ご利用額{{ amount }}円' },
      },
    });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    const created = await call('POST', '/v1/campaigns', {
      name: '11月分 ご利用のお知らせ',
      template: 'reminder',
      route: 'line-then-sms',
      purpose: 'usage_alert',
      options: { throttlePerMinute: 3_000 }, // 50 a second: about 6 s for the whole list
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const csv = [
      '電話番号,氏名,金額,顧客ID',
      ...Array.from({ length: N }, (_, i) => `${phoneOf(i)},顧客${i},${1000 + i},C-${i}`),
    ].join('\r\n');
    const upload = await request(`${server}/v1/campaigns/${id}/recipients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PREPARER_KEY}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(upload.statusCode).toBe(200);
    await upload.body.dump();
    const validated = await call('POST', `/v1/campaigns/${id}/validate`, {});
    expect(validated.body.report?.sendable, JSON.stringify(validated.body)).toBe(N);
    expect((await call('POST', `/v1/campaigns/${id}/request-approval`, {})).status).toBe(200);
    // The preparer cannot approve their own campaign; the second operator can.
    expect((await call('POST', `/v1/campaigns/${id}/approve`, {})).status).toBe(403);
    expect((await call('POST', `/v1/campaigns/${id}/approve`, {}, approverKey)).status).toBe(200);
    expect((await call('POST', `/v1/campaigns/${id}/start`, {})).status).toBe(200);

    // Killed twice while the campaign is creating and sending messages, restarted each time.
    for (const after of [1_500, 2_000]) {
      await new Promise((r) => setTimeout(r, after));
      child.kill('SIGKILL');
      await exited(child);
      child = await startServer();
    }

    const deadline = Date.now() + 90_000;
    let campaign: Json = {};
    for (;;) {
      campaign = (await call('GET', `/v1/campaigns/${id}`)).body;
      if (campaign.status === 'completed') break;
      if (Date.now() > deadline) throw new Error(`not completed: ${JSON.stringify(campaign.progress)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(campaign.progress.recipients.byState).toMatchObject({ materialized: N, pending: 0 });

    const ledgerResponse = await request(`${control}/__sandbox/ledger?limit=100000`);
    const ledger = ((await ledgerResponse.body.json()) as { items: { to: string }[] }).items;
    const received = new Map<string, number>();
    for (const item of ledger) received.set(item.to, (received.get(item.to) ?? 0) + 1);
    const twice = [...received].filter(([, count]) => count > 1);
    const missing = Array.from({ length: N }, (_, i) => phoneOf(i)).filter((p) => !received.has(p));
    expect(twice).toEqual([]);
    expect(missing).toEqual([]);
    expect(ledger).toHaveLength(N);
  }, 150_000);
});
