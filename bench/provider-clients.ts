import { Pool, type Dispatcher } from 'undici';
import type { AccountConfig } from '../src/config/config.js';
import type { ProviderClient, SendRequest } from '../src/providers/provider.js';
import { getProvider } from '../src/providers/registry.js';
import { sandboxAccounts } from '../src/runtime/sandbox-accounts.js';
import { startSandbox } from '../src/sandbox/index.js';
import { startReceiver } from '../src/sandbox/test-receiver.js';
import { row, type BenchmarkOutcome, type ResultRow } from './support/results.js';

const COUNT = 10_000;
const WARMUP = 1_000;
const CONCURRENCY = 64;
/** The HTTP providers; e-mail speaks SMTP and has no undici baseline. */
const ACCOUNTS = ['line-sandbox', 'twilio-sandbox', 'karaden-sandbox', 'vonage-sandbox'];

type RequestOptions = Dispatcher.RequestOptions;

/** A Pool that also keeps a copy of every request made through it, to replay them without the client. */
function recordingPool(origin: string): {
  dispatcher: Dispatcher;
  recorded: RequestOptions[];
  close(): Promise<void>;
} {
  const pool = new Pool(origin, { connections: CONCURRENCY });
  const recorded: RequestOptions[] = [];
  const dispatcher = new Proxy(pool, {
    get(target, key, receiver) {
      if (key === 'request') {
        return (options: RequestOptions) => {
          recorded.push(options);
          return target.request(options);
        };
      }
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { dispatcher, recorded, close: () => pool.close() };
}

function requestFor(channel: SendRequest['channel'], i: number): SendRequest {
  const attemptId = `01BENCH${String(i).padStart(19, '0')}`;
  return {
    attemptId,
    messageId: attemptId,
    channel,
    phone: `+8190${String(55_000_000 + i)}`,
    lineUserId: null,
    email: null,
    text: 'ご注文の商品を発送しました。お届け予定日は11月25日です。',
    callbackUrl: null,
  };
}

/** `count` sends through the client, `CONCURRENCY` at once; returns msg/s and how many were not taken. */
async function throughClient(
  client: ProviderClient,
  channel: SendRequest['channel'],
  from: number,
  count: number,
) {
  let next = from;
  let refused = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < from + count) {
        const outcome = await client.send(requestFor(channel, next++));
        if (outcome.kind !== 'accepted' && outcome.kind !== 'delivered') refused++;
      }
    }),
  );
  return { perSecond: (count * 1000) / (performance.now() - started), refused };
}

/** The same requests, byte for byte, straight from an undici Pool: no client around them. */
async function raw(origin: string, requests: RequestOptions[]) {
  const pool = new Pool(origin, { connections: CONCURRENCY });
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const response = await pool.request(requests[next++]!);
        await response.body.dump();
        if (response.statusCode >= 300) failed++;
      }
    }),
  );
  const perSecond = (requests.length * 1000) / (performance.now() - started);
  await pool.close();
  return { perSecond, failed };
}

/**
 * Dispatch through each HTTP provider's client (building the request, sending it on the client's pool, reading
 * and classifying the answer) against that provider's emulator, with no rate limit and 64 requests in flight,
 * against the same requests replayed byte for byte from a raw undici Pool to the same emulator.
 */
export async function providerClientsBenchmark(): Promise<BenchmarkOutcome> {
  const receiver = await startReceiver();
  const sandbox = await startSandbox({ dataDir: null });
  const rows: ResultRow[] = [];
  const notes: string[] = [];
  try {
    const accounts = sandboxAccounts(sandbox, receiver.url);
    for (const name of ACCOUNTS) {
      const account = accounts[name] as AccountConfig;
      const provider = getProvider(account.provider)!;
      const channel = provider.channels[0]!;
      const origin = new URL(account.baseUrl).origin;
      const recording = recordingPool(origin);
      const client = provider.createClient(
        { ...account, concurrency: CONCURRENCY, timeoutMs: 10_000 },
        { dispatcher: recording.dispatcher },
      );
      await throughClient(client, channel, 0, WARMUP);
      recording.recorded.length = 0;
      const measured = await throughClient(client, channel, WARMUP, COUNT);
      const requests = recording.recorded.slice();
      await client.close();
      await recording.close();
      const ceiling = await raw(origin, requests);
      rows.push(
        row({
          name: `dispatch through the ${provider.displayName} client, no limit`,
          unit: 'msg/s',
          measured: measured.perSecond,
          ceiling: ceiling.perSecond,
          ceilingIs: 'same requests from a raw undici Pool',
          target: 'report',
          pass: measured.refused === 0 && ceiling.failed === 0 && requests.length === COUNT,
        }),
      );
      notes.push(
        `${name}: ${COUNT.toLocaleString('en-US')} sends (${measured.refused} not taken), ${requests.length.toLocaleString('en-US')} requests replayed (${ceiling.failed} failed)`,
      );
    }
  } finally {
    await sandbox.close();
    await receiver.close();
  }
  return { rows, notes, details: { count: COUNT, concurrency: CONCURRENCY } };
}
