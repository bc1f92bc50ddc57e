import { createHash } from 'node:crypto';
import { request } from 'undici';
import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.js';
import { startReceiver, type ReceivedRequest } from './test-receiver.js';

const LINE_TOKEN = 'retry-line-token';
const TWILIO_SID = 'AC' + 'ab'.repeat(16);
const TWILIO_TOKEN = 'retry-twilio-token';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function setup(receiverOptions: Parameters<typeof startReceiver>[0], webhookPort?: number) {
  const receiver = await startReceiver(receiverOptions);
  const sandbox = await startSandbox({ dataDir: null });
  open.push(receiver, sandbox);
  sandbox.configureLineChannel({
    accessToken: LINE_TOKEN,
    channelSecret: 'secret',
    webhookUrl: `http://127.0.0.1:${webhookPort ?? receiver.port}/webhooks/line/main`,
  });
  sandbox.configureTwilioAccount({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN });
  return { receiver, sandbox };
}

async function pushLine(sandbox: Sandbox, to: string, tag: string) {
  const res = await request(`${sandbox.lineBaseUrl}/bot/pnp/push`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${LINE_TOKEN}`,
      'content-type': 'application/json',
      'x-line-delivery-tag': tag,
    },
    body: JSON.stringify({
      to: createHash('sha256').update(to).digest('hex'),
      messages: [{ type: 'text', text: 'retry me' }],
    }),
  });
  await res.body.dump();
  expect(res.statusCode).toBe(200);
}

type Event = {
  webhookEventId: string;
  deliveryContext: { isRedelivery: boolean };
  delivery: { data: string };
};
const lineEvents = (r: ReceivedRequest) =>
  (JSON.parse(r.rawBody.toString('utf8')) as { events: Event[] }).events;

describe('webhook redelivery', () => {
  it('redelivers a LINE event the receiver answered 500 to, same webhookEventId, marked as redelivery', async () => {
    const { receiver, sandbox } = await setup({ status: (n) => (n === 0 ? 500 : 200) });
    const to = '+818011110001';
    sandbox.setNumber(to, { lineDelayMs: 0 });
    const tag = ulid();
    await pushLine(sandbox, to, tag);
    const [first, second] = await receiver.waitFor(2);
    const a = lineEvents(first!)[0]!;
    const b = lineEvents(second!)[0]!;
    expect(a.delivery.data).toBe(tag);
    expect(b.delivery.data).toBe(tag);
    expect(a.deliveryContext.isRedelivery).toBe(false);
    expect(b.deliveryContext.isRedelivery).toBe(true);
    expect(b.webhookEventId).toBe(a.webhookEventId);
    // Accepted on the second try: no third request, and the message reached the ledger once.
    await new Promise((r) => setTimeout(r, 600));
    expect(receiver.requests).toHaveLength(2);
    expect(sandbox.ledger(to)).toHaveLength(1);
  });

  it('keeps trying while the receiver is down and delivers once it is back', async () => {
    const probe = await startReceiver();
    const port = probe.port;
    await probe.close();
    const { sandbox } = await setup({}, port);
    const to = '+818011110002';
    sandbox.setNumber(to, { lineDelayMs: 0 });
    const tag = ulid();
    await pushLine(sandbox, to, tag);
    await new Promise((r) => setTimeout(r, 300));
    const receiver = await startReceiver({ port });
    open.push(receiver);
    const [got] = await receiver.waitFor(1);
    expect(lineEvents(got!)[0]).toMatchObject({
      delivery: { data: tag },
      deliveryContext: { isRedelivery: true },
    });
  });

  it('retries a Twilio status callback the receiver answered 500 to', async () => {
    const { receiver, sandbox } = await setup({ status: (n) => (n === 0 ? 500 : 200) });
    const to = '+819011110003';
    sandbox.setNumber(to, { sms: 'failed', smsDelayMs: 0 });
    const res = await request(`${sandbox.twilioBaseUrl}/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        To: to,
        From: '+15017122661',
        Body: 'x',
        StatusCallback: `${receiver.url}/cb`,
      }).toString(),
    });
    expect(res.statusCode).toBe(201);
    await res.body.dump();
    const [first, second] = await receiver.waitFor(2);
    expect(second!.rawBody.toString()).toBe(first!.rawBody.toString());
    expect(second!.headers['x-twilio-signature']).toBe(first!.headers['x-twilio-signature']);
    expect(new URLSearchParams(second!.rawBody.toString()).get('MessageStatus')).toBe('failed');
  });
});
