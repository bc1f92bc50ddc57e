import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { freePort } from './free-port.js';
import { exited, spawnTodoke, waitUntilUp } from './processes.js';

export interface SingleServer {
  /** http://127.0.0.1:PORT of todoke. */
  server: string;
  /** The sandbox's control API. */
  control: string;
  /** The environment todoke runs with (its data dir, config file, bootstrap key). */
  env: Record<string, string>;
  /** Starts todoke (`todoke start`) and waits until it answers; every process started is killed by `stop`. */
  startServer(): Promise<ReturnType<typeof spawnTodoke>>;
  /** Sets per-number behaviour in the sandbox (PUT /__sandbox/numbers/{e164}). */
  setNumber(e164: string, settings: Record<string, unknown>): Promise<void>;
  /** SIGKILLs whatever is still running. */
  stop(): Promise<void>;
}

/**
 * One todoke server on SQLite beside `todoke sandbox` in its own process (so the sandbox outlives the server's
 * crashes), with a LINE account (150/s) and a Twilio account (100/s) at the emulators, route `line-then-sms` (LINE
 * 2 s, then SMS 5 s), a 2 s lease and 15 s of receipt grace after each start.
 */
export async function startSingleServer(dir: string, apiKey: string): Promise<SingleServer> {
  const [port, controlPort, linePort, twilioPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const server = `http://127.0.0.1:${port}`;
  const control = `http://127.0.0.1:${controlPort}`;
  const children: ReturnType<typeof spawnTodoke>[] = [];
  const sandbox = spawnTodoke(
    [
      'sandbox',
      ...[
        '--port',
        String(controlPort),
        '--line-port',
        String(linePort),
        '--twilio-port',
        String(twilioPort),
      ],
      // Emulators these tests do not use: any free port, so parallel runs never collide on the defaults.
      ...['--karaden-port', '0', '--vonage-port', '0', '--smtp-port', '0'],
      ...['--data-dir', join(dir, 'sandbox'), '--line-webhook-url', `${server}/webhooks/line/line-main`],
    ],
    {},
  );
  children.push(sandbox);
  await waitUntilUp(`${control}/__sandbox/ledger?limit=1`);

  writeFileSync(
    join(dir, 'todoke.yaml'),
    [
      'accounts:',
      '  line-main: { provider: line, channelAccessToken: sandbox-line-channel-access-token,',
      `               channelSecret: sandbox-line-channel-secret, baseUrl: "http://127.0.0.1:${linePort}", rateLimit: 150 }`,
      '  twilio-main: { provider: twilio, accountSid: AC00000000000000000000000000000000,',
      `                 authToken: sandbox-twilio-auth-token, from: "+15005550006", baseUrl: "http://127.0.0.1:${twilioPort}", rateLimit: 100 }`,
      'routes:',
      '  line-then-sms:',
      '    steps:',
      '      - { channel: line_pnp, fallbackAfter: 2s }',
      '      - { channel: sms, fallbackAfter: 5s }',
      'engine: { lease: 2s, receiptGrace: 15s }',
    ].join('\n'),
  );
  const env = {
    TODOKE_PORT: String(port),
    TODOKE_HOST: '127.0.0.1',
    TODOKE_DATA_DIR: join(dir, 'data'),
    TODOKE_CONFIG: join(dir, 'todoke.yaml'),
    TODOKE_SANDBOX: '0',
    TODOKE_BOOTSTRAP_API_KEY: apiKey,
    TODOKE_LOG_LEVEL: 'warn',
  };
  return {
    server,
    control,
    env,
    async startServer() {
      const child = spawnTodoke(['start'], env);
      children.push(child);
      await waitUntilUp(`${server}/healthz`);
      return child;
    },
    async setNumber(e164, settings) {
      const response = await request(`${control}/__sandbox/numbers/${encodeURIComponent(e164)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(settings),
      });
      await response.body.dump();
      if (response.statusCode !== 200) throw new Error(`setting ${e164} answered ${response.statusCode}`);
    },
    async stop() {
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(children.map(exited));
    },
  };
}
