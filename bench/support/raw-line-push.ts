import { Pool } from 'undici';
import { monotonicFactory } from 'ulid';
import { hashPhoneForLine } from '../../src/providers/line/client.js';
import { SANDBOX_LINE } from '../../src/runtime/sandbox-accounts.js';
import { BENCH_TEXT, benchPhone } from './message-bodies.js';

export interface RawPush {
  elapsedMs: number;
  perSecond: number;
  errors: number;
}

/**
 * The dispatch ceiling: `count` notification-message requests straight from an undici Pool to the LINE emulator,
 * with the body and headers todoke's LINE client sends and the same number in flight, and nothing else.
 */
export async function rawLinePush(lineBaseUrl: string, count: number, concurrency: number): Promise<RawPush> {
  const origin = new URL(lineBaseUrl).origin;
  const timeoutMs = 10_000;
  const pool = new Pool(origin, {
    connections: concurrency,
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const tag = monotonicFactory();
  const authorization = `Bearer ${SANDBOX_LINE.accessToken}`;
  let next = 0;
  let errors = 0;

  async function connectionLoop(): Promise<void> {
    while (next < count) {
      const i = next++;
      const body = `{"to":"${hashPhoneForLine(benchPhone(i))}","messages":[{"type":"text","text":${JSON.stringify(BENCH_TEXT)}}]}`;
      try {
        const response = await pool.request({
          origin,
          path: '/bot/pnp/push',
          method: 'POST',
          headers: [
            'authorization',
            authorization,
            'content-type',
            'application/json',
            'x-line-delivery-tag',
            tag(),
          ],
          body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        if (response.statusCode !== 200) errors++;
        await response.body.dump();
      } catch {
        errors++;
      }
    }
  }

  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, connectionLoop));
  const elapsedMs = performance.now() - started;
  await pool.close();
  return { elapsedMs, perSecond: (count * 1000) / elapsedMs, errors };
}
