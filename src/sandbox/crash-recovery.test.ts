import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';
import { startReceiver, type Receiver } from './test-receiver.js';

const TOKEN = 'crash-line-token';
const index = fileURLToPath(new URL('./index.ts', import.meta.url));

let dataDir: string;
let receiver: Receiver;
let restarted: Sandbox | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'todoke-sandbox-crash-'));
  receiver = await startReceiver();
});

afterAll(async () => {
  await restarted?.close();
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs a sandbox in a child process and resolves with its LINE base URL once it listens. */
function startChild(to: string) {
  const script = `
    import { startSandbox } from ${JSON.stringify(index)};
    const s = await startSandbox({ dataDir: ${JSON.stringify(dataDir)} });
    s.configureLineChannel({ accessToken: ${JSON.stringify(TOKEN)}, channelSecret: 's', webhookUrl: ${JSON.stringify(`${receiver.url}/line`)} });
    s.setNumber(${JSON.stringify(to)}, { lineDelayMs: 500 });
    console.log(s.lineBaseUrl);
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

describe('sandbox crash recovery', () => {
  it('delivers a message accepted just before kill -9 once the sandbox runs again', async () => {
    const to = '+818033330001';
    const { child, url } = startChild(to);
    const lineBaseUrl = await url;
    const tag = ulid();
    const res = await request(`${lineBaseUrl}/bot/pnp/push`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        'x-line-delivery-tag': tag,
      },
      body: JSON.stringify({
        to: createHash('sha256').update(to).digest('hex'),
        messages: [{ type: 'text', text: 'kill -9 の直前' }],
      }),
    });
    await res.body.dump();
    expect(res.statusCode).toBe(200);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    restarted = await startSandbox({ dataDir });
    const [webhook] = await receiver.waitFor(1, (r) => r.rawBody.toString('utf8').includes(tag));
    expect(webhook!.path).toBe('/line');
    expect(restarted.ledger(to)).toMatchObject([{ to, attemptRef: tag, text: 'kill -9 の直前' }]);
  });
});
