import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from '../store/sqlite/sqlite-driver.js';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';

const SID = 'AC' + '3'.repeat(32);
const TOKEN = 'restart-token';
const AUTH = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;
const index = fileURLToPath(new URL('./index.ts', import.meta.url));

let dataDir: string;
let sandbox: Sandbox | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'todoke-twilio-fetch-'));
});

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function create(baseUrl: string, to: string) {
  const res = await request(`${baseUrl}/2010-04-01/Accounts/${SID}/Messages.json`, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ To: to, From: '+15017122661', Body: '再起動をまたぐ' }).toString(),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

async function fetchMessage(baseUrl: string, sid: string) {
  const res = await request(`${baseUrl}/2010-04-01/Accounts/${SID}/Messages/${sid}.json`, {
    headers: { authorization: AUTH },
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

/** Runs a sandbox in a child process on dataDir and resolves with its Twilio base URL once it listens. */
function startChild(to: string) {
  const script = `
    import { startSandbox } from ${JSON.stringify(index)};
    const s = await startSandbox({ dataDir: ${JSON.stringify(dataDir)} });
    s.configureTwilioAccount({ accountSid: ${JSON.stringify(SID)}, authToken: ${JSON.stringify(TOKEN)} });
    s.setNumber(${JSON.stringify(to)}, { sms: 'undelivered', smsDelayMs: 0 });
    console.log(s.twilioBaseUrl);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`sandbox child exited with ${code}`)));
  });
  return { child, url };
}

describe('Twilio Fetch Message across restarts', () => {
  it('still knows a message after close() and restart, at the status it reached meanwhile', async () => {
    const to = '+819066660001';
    const landline = '+81366660002';
    sandbox = await startSandbox({ dataDir });
    sandbox.configureTwilioAccount({ accountSid: SID, authToken: TOKEN });
    sandbox.setNumber(to, { sms: 'delivered', smsDelayMs: 300 });
    sandbox.setNumber(landline, { sms: 'landline' });
    const created = await create(sandbox.twilioBaseUrl, to);
    expect(created.status).toBe(201);
    expect((await create(sandbox.twilioBaseUrl, landline)).status).toBe(400);
    const sid = String(created.body.sid);
    await sandbox.close();

    // Down past the moment of delivery.
    await new Promise((r) => setTimeout(r, 350));
    sandbox = await startSandbox({ dataDir });
    const fetched = await fetchMessage(sandbox.twilioBaseUrl, sid);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual({
      ...created.body,
      status: 'delivered',
      date_sent: expect.any(String),
      date_updated: expect.any(String),
    });
    await sandbox.close();
    sandbox = undefined;

    // The landline refusal left nothing behind.
    const db = new Database(join(dataDir, 'sandbox.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT sid, to_number, final_status FROM twilio_messages').all()).toEqual([
        { sid, to_number: to, final_status: 'delivered' },
      ]);
    } finally {
      db.close();
    }
  });

  it('still knows a message answered 201 just before kill -9', async () => {
    const to = '+819066660003';
    const { child, url } = startChild(to);
    const created = await create(await url, to);
    expect(created.status).toBe(201);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    sandbox = await startSandbox({ dataDir });
    const fetched = await fetchMessage(sandbox.twilioBaseUrl, String(created.body.sid));
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({ sid: created.body.sid, status: 'undelivered', error_code: 30003 });
  });
});
