import { request } from 'undici';
import { runStandaloneSandbox, type Sandbox } from './index.js';
import { startReceiver, type ReceivedRequest, type Receiver } from './test-receiver.js';

export const KARADEN_TENANT = '5b0e6f1c-2d3a-4b5c-8d9e-0f1a2b3c4d5e';
export const KARADEN_TOKEN = 'rehearsal-karaden-token';
export const KARADEN_SERVICE = 3;
export const VONAGE_KEY = 'a1b2c3d4';
export const VONAGE_SECRET = 'rehearsal-vonage-secret';

export interface GatewayAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * A standalone sandbox whose Karaden service and Vonage account send their results to a recording receiver
 * (`/karaden`, `/vonage`), with clients for both emulators and the control API: what the gateway tests share.
 */
export interface GatewayRehearsal {
  sandbox: Sandbox & { controlUrl: string };
  receiver: Receiver;
  /** メッセージ送信 with these form fields (service_id, to, body, tags[] filled in unless given). */
  karaden(
    fields: Record<string, string | string[]>,
    options?: { token?: string; tenant?: string; headers?: Record<string, string>; timeoutMs?: number },
  ): Promise<GatewayAnswer>;
  /** Send an SMS with these form fields (credentials, from, to, text filled in unless given). */
  vonage(fields: Record<string, string>, options?: { timeoutMs?: number }): Promise<GatewayAnswer>;
  control(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<GatewayAnswer>;
  close(): Promise<void>;
}

async function read(res: Awaited<ReturnType<typeof request>>): Promise<GatewayAnswer> {
  const text = await res.body.text();
  return { status: res.statusCode, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

function form(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  return params.toString();
}

export async function startGatewayRehearsal(
  options: { dataDir?: string | null } = {},
): Promise<GatewayRehearsal> {
  const receiver = await startReceiver();
  const sandbox = await runStandaloneSandbox({ dataDir: options.dataDir ?? null, controlPort: 0 });
  sandbox.configureKaradenAccount({
    tenantId: KARADEN_TENANT,
    token: KARADEN_TOKEN,
    serviceId: KARADEN_SERVICE,
    callbackUrl: `${receiver.url}/karaden`,
  });
  sandbox.configureVonageAccount({
    apiKey: VONAGE_KEY,
    apiSecret: VONAGE_SECRET,
    callbackUrl: `${receiver.url}/vonage`,
  });
  return {
    sandbox,
    receiver,
    async karaden(fields, o = {}) {
      const res = await request(`${sandbox.karadenBaseUrl}/${o.tenant ?? KARADEN_TENANT}/messages`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${o.token ?? KARADEN_TOKEN}`,
          'content-type': 'application/x-www-form-urlencoded',
          ...o.headers,
        },
        body: form({ service_id: String(KARADEN_SERVICE), body: 'ご予約は明日です', ...fields }),
        ...(o.timeoutMs === undefined ? {} : { headersTimeout: o.timeoutMs }),
      });
      return read(res);
    },
    async vonage(fields, o = {}) {
      const res = await request(`${sandbox.vonageBaseUrl}/sms/json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({
          api_key: VONAGE_KEY,
          api_secret: VONAGE_SECRET,
          from: 'TODOKE',
          text: 'ご予約は明日です',
          type: 'unicode',
          ...fields,
        }),
        ...(o.timeoutMs === undefined ? {} : { headersTimeout: o.timeoutMs }),
      });
      return read(res);
    },
    async control(method, path, body) {
      const res = await request(`${sandbox.controlUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return read(res);
    },
    async close() {
      await sandbox.close();
      await receiver.close();
    },
  };
}

/** The JSON body of one received callback. */
export function jsonOf(r: ReceivedRequest): Record<string, string> {
  return JSON.parse(r.rawBody.toString('utf8')) as Record<string, string>;
}

/** Waits until `check` returns something other than undefined, polling every 10 ms, for at most 10 s. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const until = Date.now() + 10_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
