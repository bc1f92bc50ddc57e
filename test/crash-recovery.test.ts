import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { exited } from './support/processes.js';
import { startSingleServer, type SingleServer } from './support/single-server.js';

const N = 400;
const API_KEY = 'tdk_crash_recovery_test_key_000000000000';
const behaviours = [
  { line: 'delivered', lineDelayMs: 50 },
  { line: 'not_found', sms: 'delivered', smsDelayMs: 50 },
  { line: 'blocked', sms: 'delivered', smsDelayMs: 50 },
  { line: 'consent_pending', lineDelayMs: 700 },
] as const;
const phoneOf = (i: number) => `+8190300${String(i).padStart(5, '0')}`;

describe('crash recovery', () => {
  const dir = mkdtempSync(join(tmpdir(), 'todoke-crash-'));
  let stack: SingleServer | undefined;
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a server SIGKILLed twice and SIGTERMed once mid-dispatch still brings every message to one final state, with no duplicate sends', async () => {
    stack = await startSingleServer(dir, API_KEY);
    const { server, control, startServer } = stack;
    for (let i = 0; i < N; i++) await stack.setNumber(phoneOf(i), behaviours[i % behaviours.length]!);

    let child = await startServer();
    const items = Array.from({ length: N }, (_, i) => ({
      to: { phone: phoneOf(i) },
      purpose: 'usage_alert',
      route: 'line-then-sms',
      text: `ご請求のお知らせ #${i}`,
      idempotencyKey: `crash-${i}`,
    }));
    const accepted = await request(`${server}/v1/messages/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    });
    expect(accepted.statusCode).toBe(200);
    const ids = ((await accepted.body.json()) as { items: { id: string }[] }).items.map((x) => x.id);
    expect(ids.filter(Boolean)).toHaveLength(N);

    // Kill it while requests are in flight, twice, restarting each time. Receipts the sandbox could not deliver
    // meanwhile are redelivered with backoff; the receipt grace after each start (15 s) lets them land first.
    for (const after of [700, 1200]) {
      await new Promise((r) => setTimeout(r, after));
      child.kill('SIGKILL');
      await exited(child);
      child = await startServer();
    }
    // A SIGTERM drains: in-flight requests finish and are recorded, and the process exits cleanly.
    await new Promise((r) => setTimeout(r, 800));
    child.kill('SIGTERM');
    await exited(child);
    expect(child.exitCode, child.output()).toBe(0);
    child = await startServer();

    const deadline = Date.now() + 60_000;
    let messages: {
      id: string;
      status: string;
      deliveredVia: string | null;
      attempts: { status: string }[];
    }[] = [];
    for (;;) {
      messages = await Promise.all(
        ids.map(async (id) => {
          const response = await request(`${server}/v1/messages/${id}`, {
            headers: { authorization: `Bearer ${API_KEY}` },
          });
          return (await response.body.json()) as (typeof messages)[number];
        }),
      );
      if (messages.every((m) => ['delivered', 'failed', 'expired', 'canceled'].includes(m.status))) break;
      if (Date.now() > deadline)
        throw new Error(
          `not final: ${messages
            .filter((m) => m.status !== 'delivered')
            .map((m) => m.status)
            .join(',')}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
    // Every person in this population can be reached, so every message ends delivered.
    const notDelivered = messages.filter((m) => m.status !== 'delivered');
    if (notDelivered.length > 0) console.log(JSON.stringify(notDelivered[0], null, 1));
    expect(notDelivered.map((m) => m.id)).toEqual([]);

    const ledgerResponse = await request(`${control}/__sandbox/ledger?limit=100000`);
    const ledger = ((await ledgerResponse.body.json()) as { items: { to: string; text: string }[] }).items;
    const received = new Map<string, number>();
    for (const item of ledger) received.set(item.text, (received.get(item.text) ?? 0) + 1);
    const duplicates = [...received].filter(([, count]) => count > 1);
    const missing = items.filter((item) => !received.has(item.text));
    if (duplicates.length > 0) {
      const i = Number(duplicates[0]![0].split('#')[1]);
      const response = await request(`${server}/v1/messages/${ids[i]}`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      console.log(
        JSON.stringify(await response.body.json(), null, 1),
        JSON.stringify(ledger.filter((x) => x.text === duplicates[0]![0])),
      );
    }
    expect(duplicates).toEqual([]);
    expect(missing).toEqual([]);
    expect(ledger).toHaveLength(N);
  }, 120_000);
});
