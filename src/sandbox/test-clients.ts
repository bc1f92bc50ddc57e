import { request } from 'undici';
import { runStandaloneSandbox, type Sandbox } from './index.js';
import { linePhoneHash } from './signatures.js';
import { startReceiver, type ReceivedRequest, type Receiver } from './test-receiver.js';

export const LINE_TOKEN = 'rehearsal-line-token';
export const LINE_SECRET = 'rehearsal-line-secret';
export const TWILIO_SID = 'AC' + 'feedface'.repeat(4);
export const TWILIO_TOKEN = 'rehearsal-twilio-token';

export interface Answer {
  status: number;
  /** When the answer came, ms after the request was sent. */
  tookMs: number;
  body: Record<string, unknown>;
}

export interface CallOptions {
  /** Give up when no answer has come after this long (undici's headersTimeout). */
  timeoutMs?: number;
}

/**
 * A standalone sandbox with a LINE channel and a Twilio account whose webhooks and callbacks go to a recording
 * receiver, and clients for both emulators and the control API: what the rehearsal tests share.
 */
export interface Rehearsal {
  sandbox: Sandbox & { controlUrl: string };
  receiver: Receiver;
  /** POST /bot/pnp/push of one text to the hash of `e164`. */
  line(e164: string, options?: CallOptions & { tag?: string }): Promise<Answer>;
  /** Create Message to `e164`; with a status callback to the receiver unless `callback` is false. */
  sms(e164: string, options?: CallOptions & { callback?: boolean }): Promise<Answer>;
  /** A control API call; the body is sent as JSON. */
  control(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<Answer>;
  close(): Promise<void>;
}

async function timed(started: number, res: Awaited<ReturnType<typeof request>>): Promise<Answer> {
  const text = await res.body.text();
  return {
    status: res.statusCode,
    tookMs: performance.now() - started,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

export async function startRehearsal(options: { dataDir?: string | null } = {}): Promise<Rehearsal> {
  const receiver = await startReceiver();
  const sandbox = await runStandaloneSandbox({ dataDir: options.dataDir ?? null, controlPort: 0 });
  sandbox.configureLineChannel({
    accessToken: LINE_TOKEN,
    channelSecret: LINE_SECRET,
    webhookUrl: `${receiver.url}/line`,
  });
  sandbox.configureTwilioAccount({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN });
  const basic = Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString('base64');
  return {
    sandbox,
    receiver,
    async line(e164, o = {}) {
      const started = performance.now();
      const headers: Record<string, string> = {
        authorization: `Bearer ${LINE_TOKEN}`,
        'content-type': 'application/json',
      };
      if (o.tag !== undefined) headers['x-line-delivery-tag'] = o.tag;
      const res = await request(`${sandbox.lineBaseUrl}/bot/pnp/push`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to: linePhoneHash(e164), messages: [{ type: 'text', text: `to ${e164}` }] }),
        ...(o.timeoutMs === undefined ? {} : { headersTimeout: o.timeoutMs }),
      });
      return timed(started, res);
    },
    async sms(e164, o = {}) {
      const started = performance.now();
      const form: Record<string, string> = { To: e164, From: '+15017122661', Body: `to ${e164}` };
      if (o.callback !== false) form.StatusCallback = `${receiver.url}/twilio`;
      const res = await request(`${sandbox.twilioBaseUrl}/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        ...(o.timeoutMs === undefined ? {} : { headersTimeout: o.timeoutMs }),
      });
      return timed(started, res);
    },
    async control(method, path, body) {
      const started = performance.now();
      const res = await request(`${sandbox.controlUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return timed(started, res);
    },
    async close() {
      await sandbox.close();
      await receiver.close();
    },
  };
}

/** The delivery events of one LINE webhook request. */
export function lineEvents(r: ReceivedRequest): {
  delivery: { data: string };
  webhookEventId: string;
  deliveryContext: { isRedelivery: boolean };
  timestamp: number;
}[] {
  return (JSON.parse(r.rawBody.toString('utf8')) as { events: [] }).events;
}

/** The parameters of one Twilio status callback. */
export function callbackParams(r: ReceivedRequest): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(r.rawBody.toString('utf8')));
}
