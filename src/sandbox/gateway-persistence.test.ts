import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';
import { startReceiver, type ReceivedRequest, type Receiver } from './test-receiver.js';

const TENANT = '3c2b1a09-8f7e-4d6c-9b5a-493827160504';
const TOKEN = 'persisted-karaden-token';
const KEY = 'feed1234';
const SECRET = 'persisted-vonage-secret';

let dataDir: string;
let receiver: Receiver;
let sandbox: Sandbox | undefined;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'todoke-gateways-'));
  receiver = await startReceiver();
});

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function karaden(s: Sandbox, to: string): Promise<number> {
  const res = await request(`${s.karadenBaseUrl}/${TENANT}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ service_id: '1', to, body: '再起動をまたぐ' }).toString(),
  });
  await res.body.dump();
  return res.statusCode;
}

async function vonage(s: Sandbox, to: string): Promise<string> {
  const res = await request(`${s.vonageBaseUrl}/sms/json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      api_key: KEY,
      api_secret: SECRET,
      from: 'TODOKE',
      to,
      text: 'restart',
    }).toString(),
  });
  return ((await res.body.json()) as { messages: { status: string }[] }).messages[0]!.status;
}

const onPath = (path: string) => (r: ReceivedRequest) => r.path === path;

describe('SMS gateway emulators across restarts', () => {
  it('keep their accounts, and send the results left pending by the earlier run', async () => {
    sandbox = await startSandbox({ dataDir });
    sandbox.configureKaradenAccount({
      tenantId: TENANT,
      token: TOKEN,
      serviceId: 1,
      callbackUrl: `${receiver.url}/k`,
    });
    sandbox.configureVonageAccount({ apiKey: KEY, apiSecret: SECRET, callbackUrl: `${receiver.url}/v` });
    sandbox.setNumber('+819044440001', { sms: 'delivered', smsDelayMs: 1000 });
    sandbox.setNumber('+819044440002', { sms: 'failed', smsDelayMs: 1000 });
    expect(await karaden(sandbox, '09044440001')).toBe(200);
    expect(await vonage(sandbox, '819044440002')).toBe('0');
    await sandbox.close();
    expect(receiver.requests).toHaveLength(0);

    sandbox = await startSandbox({ dataDir });
    const [result] = await receiver.waitFor(1, onPath('/k'));
    expect(JSON.parse(result!.rawBody.toString('utf8'))).toMatchObject({
      to: '09044440001',
      sent_result: 'received',
    });
    const [dlr] = await receiver.waitFor(1, onPath('/v'));
    expect(JSON.parse(dlr!.rawBody.toString('utf8'))).toMatchObject({
      msisdn: '819044440002',
      status: 'rejected',
    });
    expect(sandbox.ledger('+819044440001')).toEqual([expect.objectContaining({ provider: 'karaden' })]);
    // The accounts came back from sandbox.db: the same credentials are accepted.
    sandbox.setNumber('+819044440003', { smsDelayMs: 0 });
    expect(await karaden(sandbox, '09044440003')).toBe(200);
    expect(await vonage(sandbox, '819044440003')).toBe('0');
  });
});
