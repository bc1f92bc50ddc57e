import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { noticing, withWriteNotice } from './write-notice.js';

let server: Server | undefined;

/** A server that answers each request after `delayMs`, logging when each arrived. */
async function slowServer(delayMs: number, arrivals: { path: string; at: number }[]): Promise<string> {
  server = createServer((req, res) => {
    arrivals.push({ path: req.url!, at: performance.now() });
    req.resume();
    req.on('end', () => setTimeout(() => res.end('ok'), delayMs));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

afterEach(async () => {
  const open = server;
  server = undefined;
  if (open) await new Promise((resolve) => open.close(resolve));
});

describe('withWriteNotice', () => {
  it('tells each request when a connection writes it, not when it was handed to the pool', async () => {
    const arrivals: { path: string; at: number }[] = [];
    const origin = await slowServer(100, arrivals);
    // One connection: the second request waits in the pool until the first is answered.
    const pool = withWriteNotice(new Pool(origin, { connections: 1 }));
    const written: Record<string, number[]> = { '/a': [], '/b': [] };
    const send = (path: string) =>
      pool
        .request(noticing({ path, method: 'POST', body: 'x' }, () => written[path]!.push(performance.now())))
        .then((r) => r.body.text());
    const handedOver = performance.now();
    await Promise.all([send('/a'), send('/b')]);
    await pool.close();

    expect(written['/a']).toHaveLength(1);
    expect(written['/b']).toHaveLength(1);
    // /b was written only after /a's answer, about 100 ms after both were handed over, and before it arrived.
    expect(written['/b']![0]! - handedOver).toBeGreaterThanOrEqual(90);
    const bArrived = arrivals.find((a) => a.path === '/b')!.at;
    expect(written['/b']![0]!).toBeLessThanOrEqual(bArrived);
  });

  it('leaves requests without the hook as they were', async () => {
    const arrivals: { path: string; at: number }[] = [];
    const origin = await slowServer(0, arrivals);
    const pool = withWriteNotice(new Pool(origin));
    const response = await pool.request(noticing({ path: '/plain', method: 'GET' }, undefined));
    expect(await response.body.text()).toBe('ok');
    expect(response.statusCode).toBe(200);
    await pool.close();
    expect(arrivals.map((a) => a.path)).toEqual(['/plain']);
  });

  it('passes failures on: a refused connection rejects without calling the hook', async () => {
    const origin = await slowServer(0, []);
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const pool = withWriteNotice(new Pool(origin));
    let called = false;
    await expect(
      pool.request(noticing({ path: '/x', method: 'POST', body: 'x' }, () => (called = true))),
    ).rejects.toThrow();
    expect(called).toBe(false);
    await pool.close();
  });
});
