import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer, unusedLoopbackUrl, type ScriptedServer } from '../scripted-server.js';
import { createTwilioClient, type TwilioAccount } from './client.js';

const SID = 'AC0123456789abcdef0123456789abcdef';
const account = (baseUrl: string): TwilioAccount => ({
  name: 'twilio',
  provider: 'twilio',
  baseUrl,
  rateLimit: 100,
  concurrency: 4,
  timeoutMs: 2000,
  accountSid: SID,
  authToken: 'twilio-auth-token-5e1d',
  from: '+15005550006',
});
const since = Date.parse('2026-11-22T10:15:30.400Z');
const page = (messages: object[]) =>
  JSON.stringify({ messages, page: 0, page_size: 100, next_page_uri: null });
const listed = (body: string, created: string) => ({
  sid: `SM${'0'.repeat(31)}1`,
  body,
  to: '+819012345678',
  date_created: created,
});

describe('Twilio findSent (List Messages) for a request whose outcome is unknown', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('asks for the day’s messages to the number and finds the one with the same body, created since the request', async () => {
    server = await startScriptedServer(() => ({
      status: 200,
      body: page([
        listed('前日のお知らせ', 'Sun, 22 Nov 2026 09:00:00 +0000'),
        listed('お支払いのお願い', 'Sun, 22 Nov 2026 10:15:30 +0000'),
      ]),
    }));
    const client = createTwilioClient(account(server.url));
    const found = await client.findSent!({ phone: '+819012345678', text: 'お支払いのお願い', since });
    expect(found).toEqual({ found: true, providerMessageId: `SM${'0'.repeat(31)}1` });
    const request = server.requests[0]!;
    expect(request.method).toBe('GET');
    const url = new URL(request.url, server.url);
    expect(url.pathname).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(url.searchParams.get('To')).toBe('+819012345678');
    expect(url.searchParams.get('DateSent>')).toBe('2026-11-22');
    await client.close();
  });

  it('says "not found" when no message with that body was created since the request', async () => {
    server = await startScriptedServer(() => ({
      status: 200,
      body: page([listed('お支払いのお願い', 'Sun, 22 Nov 2026 10:10:00 +0000')]),
    }));
    const client = createTwilioClient(account(server.url));
    expect(await client.findSent!({ phone: '+819012345678', text: 'お支払いのお願い', since })).toEqual({
      found: false,
    });
    await client.close();
  });

  it('cannot say (null) when Twilio answers an error or cannot be reached', async () => {
    server = await startScriptedServer(() => ({ status: 500, body: '{"code":20500}' }));
    const client = createTwilioClient(account(server.url));
    expect(await client.findSent!({ phone: '+819012345678', text: 'x', since })).toBeNull();
    await client.close();
    const unreachable = createTwilioClient(account(await unusedLoopbackUrl()));
    expect(await unreachable.findSent!({ phone: '+819012345678', text: 'x', since })).toBeNull();
    await unreachable.close();
  });
});
