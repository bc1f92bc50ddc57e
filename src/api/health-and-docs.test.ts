import type { FastifyPluginAsync } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
afterEach(() => t.close());

describe('health, metrics, docs and the sandbox mount', () => {
  it('says alive and ready', async () => {
    t = await startTestApp();
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', store: true, engine: true });
  });

  it('is not ready while the engine is not running, or once the store is closed', async () => {
    let running = false;
    t = await startTestApp({ deps: { ready: () => running } });
    expect((await t.app.inject('/readyz')).statusCode).toBe(503);
    running = true;
    expect((await t.app.inject('/readyz')).statusCode).toBe(200);
    await t.store.close();
    expect((await t.app.inject('/readyz')).json()).toMatchObject({ status: 'not_ready', store: false });
  });

  it('exposes Prometheus metrics with the queue depth per status', async () => {
    t = await startTestApp();
    await t.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: t.auth,
      payload: {
        to: { phone: '09012345678' },
        purpose: 'usage_alert',
        route: 'sms-only',
        text: 'ご利用のお知らせ',
      },
    });
    const res = await t.app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('todoke_messages_accepted_total 1');
    expect(res.body).toContain('todoke_queue_depth{status="accepted"} 1');
    expect(res.body).toContain('# TYPE todoke_send_latency_seconds histogram');
  });

  it('serves the OpenAPI document and the docs page', async () => {
    t = await startTestApp();
    const spec = (await t.app.inject('/docs/json')).json<{
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown }>>;
    }>();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/v1/messages',
        '/v1/messages/batch',
        '/v1/messages/{id}',
        '/v1/messages/{id}/cancel',
      ]),
    );
    expect(spec.paths['/v1/messages']!.post!.requestBody).toBeDefined();
    expect(spec.paths['/v1/messages']!.post!.security).toEqual([{ bearer: [] }]);
    const page = await t.app.inject('/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
  });

  it('serves the sandbox control API without an API key', async () => {
    const control: FastifyPluginAsync = async (app) => {
      app.get('/__sandbox/ledger', async () => ({ entries: [] }));
    };
    t = await startTestApp({ deps: { sandboxControl: control } });
    const res = await t.app.inject('/__sandbox/ledger');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ entries: [] });
  });
});
