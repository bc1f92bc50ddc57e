import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendRequest } from '../provider.js';
import { startScriptedServer, type ScriptedServer } from '../scripted-server.js';
import { createLineClient, hashPhoneForLine, type LineAccount } from './client.js';
import { templateBody, templateProblem, type PnpTemplate } from './request-bodies.js';

const SHIPPED: PnpTemplate = {
  templateKey: 'shipment_completed_ja',
  body: {
    emphasizedItem: { itemKey: 'date_002_ja', content: '2024年8月10日(土)' },
    items: [
      { itemKey: 'time_range_001_ja', content: '午前中' },
      { itemKey: 'number_001_ja', content: '1234567' },
    ],
    buttons: [{ buttonKey: 'check_delivery_status_ja', url: 'https://example.com/CheckDeliveryStatus/' }],
  },
};

function account(baseUrl: string): LineAccount {
  return {
    name: 'line-main',
    provider: 'line',
    baseUrl,
    rateLimit: 2000,
    concurrency: 4,
    timeoutMs: 2000,
    channelAccessToken: 'line-token',
    channelSecret: 'line-secret',
  };
}

function templateRequest(template: PnpTemplate = SHIPPED): SendRequest {
  return {
    attemptId: ulid(),
    messageId: ulid(),
    channel: 'line_pnp',
    phone: '+818000001234',
    lineUserId: null,
    email: null,
    text: '',
    pnpTemplate: template,
    callbackUrl: null,
  };
}

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('LINE notification message (template) limits', () => {
  const item = (i: number, content = 'x') => ({ itemKey: `item_${i}`, content });
  const cases: Array<[string, PnpTemplate['body'], RegExp | null]> = [
    ['15 characters of emphasized item are fine', { emphasizedItem: item(0, 'あ'.repeat(15)) }, null],
    [
      '16 are not',
      { emphasizedItem: item(0, 'あ'.repeat(16)) },
      /emphasizedItem\.content: emphasized_item_too_long \(16, at most 15\)/,
    ],
    ['15 items are fine', { items: Array.from({ length: 15 }, (_, i) => item(i)) }, null],
    ['16 are not', { items: Array.from({ length: 16 }, (_, i) => item(i)) }, /body\.items: too_many_items/],
    ['an item of 300 characters is fine', { items: [item(0, 'a'.repeat(300))] }, null],
    ['301 is not', { items: [item(0, 'a'.repeat(301))] }, /body\.items\[0\]\.content: item_too_long/],
    [
      'an emoji counts two, as LINE counts',
      { emphasizedItem: item(0, '🍎'.repeat(8)) },
      /emphasized_item_too_long \(16/,
    ],
    ['the same itemKey twice', { emphasizedItem: item(1), items: [item(1)] }, /duplicate_item_key/],
    [
      'three buttons',
      { buttons: [1, 2, 3].map((i) => ({ buttonKey: `b${i}`, url: 'https://example.com/' })) },
      /too_many_buttons/,
    ],
    [
      'a button URL over 1,000 characters',
      { buttons: [{ buttonKey: 'b', url: `https://example.com/${'a'.repeat(981)}` }] },
      /button_url_too_long \(1001/,
    ],
  ];

  it.each(cases)('%s', (_name, body, problem) => {
    const found = templateProblem({ templateKey: 'k', body });
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });

  it('refuses an empty template key', () => {
    expect(templateProblem({ templateKey: '', body: {} })).toMatch(/templateKey/);
  });
});

describe('LINE notification message (template) request', () => {
  it('posts the template with the delivery tag and the hashed number; 202 is accepted', async () => {
    server = await startScriptedServer(() => ({ status: 202, body: '{}' }));
    const client = createLineClient(account(server.url));
    const request = templateRequest();
    expect(await client.send(request)).toEqual({ kind: 'accepted' });
    await client.close();
    const sent = server.requests[0]!;
    expect(sent.url).toBe('/v2/bot/message/pnp/templated/push');
    expect(sent.headers['x-line-delivery-tag']).toBe(request.attemptId);
    expect(sent.headers['x-line-retry-key']).toBeUndefined();
    expect(JSON.parse(sent.body)).toEqual({ to: hashPhoneForLine('+818000001234'), ...SHIPPED });
  });

  it('leaves out an empty body, as LINE allows', () => {
    expect(JSON.parse(templateBody('h', { templateKey: 'k', body: { items: [] } }))).toEqual({
      to: 'h',
      templateKey: 'k',
    });
  });

  it('refuses a template over LINE’s limits without a request', async () => {
    server = await startScriptedServer(() => ({ status: 202, body: '{}' }));
    const client = createLineClient(account(server.url));
    const tooLong = { ...SHIPPED, body: { emphasizedItem: { itemKey: 'price', content: '1'.repeat(16) } } };
    expect(await client.send(templateRequest(tooLong))).toMatchObject({
      kind: 'rejected',
      code: 'line_template_invalid',
      detail: expect.stringContaining('body.emphasizedItem.content'),
    });
    await client.close();
    expect(server.requests).toHaveLength(0);
  });

  it('gets unreachable for 422, as flexible messages do', async () => {
    server = await startScriptedServer(() => ({
      status: 422,
      body: '{"message":"Failed to send messages"}',
    }));
    const client = createLineClient(account(server.url));
    expect(await client.send(templateRequest())).toMatchObject({
      kind: 'unreachable',
      code: 'line_unreachable',
    });
    await client.close();
  });
});
