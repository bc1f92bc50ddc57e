import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { phoneHmac } from '../core/phone.js';
import { startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.close());

function call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: t.auth, ...(payload ? { payload: payload as object } : {}) });
}

describe('/v1/suppressions', () => {
  it('suppresses a number on its channels for a class, stored by HMAC only', async () => {
    const res = await call('POST', '/v1/suppressions', {
      phone: '090-1234-5678',
      purposeClass: 'promotional',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      added: 2,
      items: [
        { address: '+81 ****-5678', channel: 'sms', purposeClass: 'promotional', reason: 'api' },
        { address: '+81 ****-5678', channel: 'line_pnp', purposeClass: 'promotional', reason: 'api' },
      ],
    });
    const stored = await t.store.findSuppressions([phoneHmac('test-secret-0123456789', '+819012345678')]);
    expect(stored).toHaveLength(2);
    // The number itself is nowhere in the table.
    const rows = t.store.db.prepare('SELECT * FROM suppressions').all();
    expect(JSON.stringify(rows)).not.toMatch(/9012345678|090-?1234/);
  });

  it('finds an address in any form, and lists everything newest first', async () => {
    await call('POST', '/v1/suppressions', { phone: '09012345678', purposeClass: 'all', channels: ['sms'] });
    await call('POST', '/v1/suppressions', { email: 'Taro@Example.jp', purposeClass: 'promotional' });
    const byNumber = (await call('GET', '/v1/suppressions?phone=%2B81%2090-1234-5678')).json();
    expect(byNumber.items.map((i: { purposeClass: string }) => i.purposeClass).sort()).toEqual([
      'promotional',
      'transactional',
    ]);
    const byEmail = (await call('GET', '/v1/suppressions?email=taro@example.jp')).json();
    expect(byEmail.items).toMatchObject([{ address: 't***@example.jp', channel: 'email' }]);
    const page = (await call('GET', '/v1/suppressions?limit=2')).json();
    expect(page.items).toHaveLength(2);
    expect(page.items[0].channel).toBe('email');
    const next = (await call('GET', `/v1/suppressions?limit=2&cursor=${page.nextCursor}`)).json();
    expect(next).toMatchObject({ items: [{ channel: 'sms' }], nextCursor: null });
  });

  it('does not add the same suppression twice', async () => {
    const body = { lineUserId: `U${'a'.repeat(32)}`, purposeClass: 'transactional' };
    expect((await call('POST', '/v1/suppressions', body)).json()).toMatchObject({ added: 1 });
    expect((await call('POST', '/v1/suppressions', body)).json()).toMatchObject({ added: 0, items: [{}] });
  });

  it('removes suppressions by address, channel and class', async () => {
    await call('POST', '/v1/suppressions', { phone: '09012345678', purposeClass: 'all' });
    const one = await call(
      'DELETE',
      '/v1/suppressions?phone=09012345678&channel=sms&purposeClass=promotional',
    );
    expect(one.json()).toEqual({ removed: 1 });
    const rest = await call('DELETE', '/v1/suppressions?phone=09012345678');
    expect(rest.json()).toEqual({ removed: 3 });
  });

  it.each([
    ['no address', { purposeClass: 'all' }, 'validation_failed'],
    ['two addresses', { phone: '09012345678', email: 'a@b.jp', purposeClass: 'all' }, 'validation_failed'],
    [
      'a channel the address is not on',
      { email: 'a@b.jp', channels: ['sms'], purposeClass: 'all' },
      'validation_failed',
    ],
    ['a number that is no number', { phone: '12', purposeClass: 'all' }, 'invalid_phone'],
  ])('refuses %s', async (_name, body, code) => {
    const res = await call('POST', '/v1/suppressions', body);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code });
  });
});
