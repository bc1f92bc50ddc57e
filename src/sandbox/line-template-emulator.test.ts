import { createHash } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';
import { startReceiver, type ReceivedRequest, type Receiver } from './test-receiver.js';

const TOKEN = 'line-template-token';
const SECRET = 'line-template-secret';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let sandbox: Sandbox;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startSandbox({ dataDir: null });
  sandbox.configureLineChannel({
    accessToken: TOKEN,
    channelSecret: SECRET,
    webhookUrl: `${receiver.url}/webhooks/line/main`,
  });
});

afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

async function send(body: unknown, tag?: string) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${TOKEN}`,
    'content-type': 'application/json',
  };
  if (tag !== undefined) headers['x-line-delivery-tag'] = tag;
  const res = await request(`${sandbox.lineBaseUrl}/v2/bot/message/pnp/templated/push`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

const template = (
  phone: string,
  body: unknown = { emphasizedItem: { itemKey: 'price_001_ja', content: '3,300円' } },
) => ({
  to: sha256(phone),
  templateKey: 'payment_completed_ja',
  body,
});

const eventFor = (tag: string) => (r: ReceivedRequest) =>
  (JSON.parse(r.rawBody.toString('utf8')) as { events: { delivery?: { data: string } }[] }).events.some(
    (e) => e.delivery?.data === tag,
  );

describe('LINE notification message (template) emulator', () => {
  it('answers 202, then sends the delivery event with the tag and writes the ledger', async () => {
    const phone = '+818000008001';
    const tag = '01KAP8Y0XQ3M5N7R9T1V3X5Z7B';
    sandbox.setNumber(phone, { line: 'delivered', lineDelayMs: 0 });
    const body = {
      emphasizedItem: { itemKey: 'price_001_ja', content: '3,300円' },
      items: [{ itemKey: 'name_010_ja', content: 'スープセット' }],
      buttons: [{ buttonKey: 'contact_ja', url: 'https://example.com/contact' }],
    };
    expect(await send(template(phone, body), tag)).toEqual({ status: 202, body: {} });
    await receiver.waitFor(1, eventFor(tag));
    expect(sandbox.ledger(phone)).toEqual([
      expect.objectContaining({
        channel: 'line_pnp',
        attemptRef: tag,
        text: 'payment_completed_ja\nprice_001_ja: 3,300円\nname_010_ja: スープセット\ncontact_ja: https://example.com/contact',
      }),
    ]);
  });

  it('behaves per number as flexible messages do: 422 for no LINE user, 202 and nothing for a block', async () => {
    sandbox.setNumber('+818000008002', { line: 'not_found' });
    expect(await send(template('+818000008002'))).toEqual({
      status: 422,
      body: { message: 'Failed to send messages' },
    });
    sandbox.setNumber('+818000008003', { line: 'blocked' });
    expect(await send(template('+818000008003'), '01KAP8Y0XQ3M5N7R9T1V3X5Z7C')).toEqual({
      status: 202,
      body: {},
    });
    expect(sandbox.ledger('+818000008003')).toEqual([]);
  });

  it('refuses fields beyond LINE’s limits with 400 naming each', async () => {
    const item = (i: number, content = 'x') => ({ itemKey: `k${i}`, content });
    const cases: [unknown, { message: string; property: string }[]][] = [
      [
        { emphasizedItem: item(0, 'x'.repeat(16)) },
        [{ message: 'Length must be between 1 and 15', property: 'body.emphasizedItem.content' }],
      ],
      [
        { items: Array.from({ length: 16 }, (_, i) => item(i)) },
        [{ message: 'Size must be between 0 and 15', property: 'body.items' }],
      ],
      [
        { items: [item(0, 'x'.repeat(301))] },
        [{ message: 'Length must be between 1 and 300', property: 'body.items[0].content' }],
      ],
      [
        { buttons: [1, 2, 3].map((i) => ({ buttonKey: `b${i}`, url: 'https://e.jp' })) },
        [{ message: 'Size must be between 0 and 2', property: 'body.buttons' }],
      ],
      [
        { buttons: [{ buttonKey: 'b', url: 'https://e.jp/' + 'a'.repeat(990) }] },
        [{ message: 'Length must be between 1 and 1000', property: 'body.buttons[0].url' }],
      ],
      [
        { emphasizedItem: item(1), items: [item(1)] },
        [{ message: 'Duplicate itemKey', property: 'body.items[0].itemKey' }],
      ],
    ];
    for (const [body, details] of cases) {
      const res = await send(template('+818000008004', body));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: `The request body has ${details.length} error(s)`, details });
    }
    const noKey = await send({ to: sha256('+818000008004') });
    expect(noKey.body.details).toEqual([{ message: 'must be specified', property: 'templateKey' }]);
    expect(sandbox.ledger('+818000008004')).toEqual([]);
  });
});
