import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';
import { startReceiver, type ReceivedRequest, type Receiver } from './test-receiver.js';

const TOKEN = 'persisted-line-token';
const SECRET = 'persisted-secret';

let dataDir: string;
let receiver: Receiver;
let sandbox: Sandbox | undefined;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'todoke-sandbox-'));
  receiver = await startReceiver();
});

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function pushLine(s: Sandbox, to: string, tag: string): Promise<number> {
  const res = await request(`${s.lineBaseUrl}/bot/pnp/push`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      'x-line-delivery-tag': tag,
    },
    body: JSON.stringify({
      to: createHash('sha256').update(to).digest('hex'),
      messages: [{ type: 'text', text: '再起動をまたぐ' }],
    }),
  });
  await res.body.dump();
  return res.statusCode;
}

const hasTag = (tag: string) => (r: ReceivedRequest) => r.rawBody.toString('utf8').includes(tag);

describe('sandbox persistence across restarts', () => {
  it('keeps channels, number settings and the ledger, and delivers a webhook left pending', async () => {
    const delivered = '+818022220001';
    const pending = '+818022220002';
    sandbox = await startSandbox({ dataDir });
    sandbox.configureLineChannel({
      accessToken: TOKEN,
      channelSecret: SECRET,
      webhookUrl: `${receiver.url}/line`,
    });
    sandbox.setNumber(delivered, { lineDelayMs: 0 });
    sandbox.setNumber(pending, { line: 'consent_pending', lineDelayMs: 300 });

    const deliveredTag = ulid();
    expect(await pushLine(sandbox, delivered, deliveredTag)).toBe(200);
    await receiver.waitFor(1, hasTag(deliveredTag));
    const pendingTag = ulid();
    expect(await pushLine(sandbox, pending, pendingTag)).toBe(200);
    await sandbox.close();
    const closedAt = Date.now();

    // Down past the moment the pending message was due.
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.requests.filter(hasTag(pendingTag))).toEqual([]);

    sandbox = await startSandbox({ dataDir });
    const [late] = await receiver.waitFor(1, hasTag(pendingTag));
    expect(Date.now() - closedAt).toBeLessThan(2_000);
    expect(late!.path).toBe('/line');
    expect(sandbox.ledger(pending)).toMatchObject([
      { to: pending, attemptRef: pendingTag, text: '再起動をまたぐ' },
    ]);
    expect(sandbox.ledger(delivered)).toMatchObject([{ to: delivered, attemptRef: deliveredTag }]);

    // The channel is still accepted and the settings still apply: the pending number waits again.
    expect(sandbox.setNumber(pending, {})).toEqual({
      line: 'consent_pending',
      lineDelayMs: 300,
      sms: 'delivered',
      smsDelayMs: 100,
    });
    const again = ulid();
    expect(await pushLine(sandbox, pending, again)).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.requests.filter(hasTag(again))).toEqual([]);
    await receiver.waitFor(1, hasTag(again));
  });

  it('sends a pending webhook due later at its time after a restart', async () => {
    const to = '+818022220003';
    sandbox = await startSandbox({ dataDir });
    sandbox.configureLineChannel({
      accessToken: TOKEN,
      channelSecret: SECRET,
      webhookUrl: `${receiver.url}/line`,
    });
    sandbox.setNumber(to, { lineDelayMs: 700 });
    const tag = ulid();
    const sentAt = Date.now();
    expect(await pushLine(sandbox, to, tag)).toBe(200);
    await sandbox.close();
    sandbox = await startSandbox({ dataDir });
    await receiver.waitFor(1, hasTag(tag));
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(680);
    expect(sandbox.ledger(to)).toHaveLength(1);
  });
});
