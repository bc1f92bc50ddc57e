import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { request } from 'undici';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { startReceiver, type Receiver } from '../../sandbox/test-receiver.js';
import { startScriptedServer } from '../scripted-server.js';
import { createVonageClient, type VonageAccount } from './client.js';

/**
 * What todoke sends to Vonage, and what the emulator answers and sends as delivery receipts, checked against
 * Vonage's own OpenAPI file (/work/shared/specs/vonage-sms.yml), $refs resolved inside the document. The spec's
 * schemas require little and allow any extra property, so field names are checked against the documented ones too.
 */
const SPEC = '/work/shared/specs/vonage-sms.yml';
const SEND = '/paths/~1{format}/post';
const FORM = `${SEND}/requestBody/content/application~1x-www-form-urlencoded/schema`;

// ajv-formats is CommonJS with `exports.default`; NodeNext sees the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

type Node = { $ref?: string; properties?: Record<string, Node>; items?: Node } & Record<string, unknown>;
const document = parseYaml(readFileSync(SPEC, 'utf8')) as Node;

function at(pointer: string): Node {
  const node = pointer
    .split('/')
    .slice(1)
    .reduce<unknown>(
      (n, key) => (n as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')],
      document,
    ) as Node;
  return node.$ref !== undefined ? at(node.$ref.slice(1)) : node;
}

/** Property names the schema at `pointer` documents. */
const documented = (pointer: string): string[] => Object.keys(at(pointer).properties ?? {});

function validatorAt(pointer: string, coerce = false): ValidateFunction {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    ...(coerce ? { coerceTypes: 'array' as const } : {}),
  });
  addFormats(ajv);
  // Formats the spec names that no validator knows: anything goes.
  ajv.addFormat('vcard', true);
  ajv.addFormat('vcal', true);
  ajv.addSchema(document, 'vonage');
  return ajv.getSchema(`vonage#${pointer}`)!;
}

function check(pointer: string, value: unknown, coerce = false): void {
  const validate = validatorAt(pointer, coerce);
  expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
}

function onlyDocumented(pointer: string, value: object): void {
  const names = documented(pointer);
  for (const name of Object.keys(value)) expect(names, `${pointer} documents ${name}`).toContain(name);
}

const KEY = 'c0ffee42';
const SECRET = 'vonage-spec-secret';

let sandbox: Sandbox;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startSandbox({ dataDir: null });
  sandbox.configureVonageAccount({
    apiKey: KEY,
    apiSecret: SECRET,
    signatureSecret: 'spec-sig',
    signatureMethod: 'md5',
  });
});

afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

function account(baseUrl: string): VonageAccount {
  return {
    name: 'vonage',
    provider: 'vonage',
    baseUrl,
    rateLimit: 10,
    concurrency: 1,
    timeoutMs: 5000,
    apiKey: KEY,
    apiSecret: SECRET,
    from: 'TODOKE',
  };
}

const sendRequest = (phone: string, callbackUrl: string | null) => ({
  attemptId: ulid(),
  messageId: ulid(),
  channel: 'sms' as const,
  phone,
  lineUserId: null,
  email: null,
  text: 'ご予約は明日10時です & お待ちしております',
  callbackUrl,
});

describe('Vonage requests todoke sends, against the spec', () => {
  it('the Send an SMS form has only documented fields, of the documented types and lengths', async () => {
    const server = await startScriptedServer(() => ({ status: 200, body: '{}' }));
    const client = createVonageClient(account(server.url));
    await client.send(sendRequest('+819012345678', 'https://notify.example.co.jp/webhooks/vonage/vonage'));
    await client.close();
    await server.close();
    const sent = server.requests[0]!;
    expect(sent.url).toBe('/sms/json');
    const form = Object.fromEntries(new URLSearchParams(sent.body));
    onlyDocumented(FORM, form);
    check(FORM, form, true);
    expect(form['client-ref']!.length).toBeLessThanOrEqual(40);
  });
});

describe('Vonage emulator answers and receipts, against the spec', () => {
  const post = async (fields: Record<string, string>) => {
    const res = await request(`${sandbox.vonageBaseUrl}/sms/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        api_key: KEY,
        api_secret: SECRET,
        from: 'TODOKE',
        to: '819033334444',
        text: 'テスト',
        type: 'unicode',
        'client-ref': 'spec-ref',
        callback: `${receiver.url}/dlr`,
        ...fields,
      }).toString(),
    });
    return { status: res.statusCode, body: (await res.body.json()) as { messages: object[] } };
  };

  it('a sent message answers an SMS, and its signed receipts are DeliveryReceipts', async () => {
    sandbox.setNumber('+819033334444', { sms: 'delivered', smsDelayMs: 0 });
    const answer = await post({});
    expect(answer.status).toBe(200);
    check('/components/schemas/SMS', answer.body);
    onlyDocumented('/components/schemas/SMS', answer.body);
    for (const message of answer.body.messages) onlyDocumented('/components/schemas/Message', message);

    expect(at(`${SEND}/callbacks/delivery-receipt`)).toBeDefined();
    const dlrs = await receiver.waitFor(2, (r) => r.path === '/dlr');
    for (const dlr of dlrs) {
      const body = JSON.parse(dlr.rawBody.toString('utf8')) as object;
      check('/components/schemas/DeliveryReceipt', body);
      onlyDocumented('/components/schemas/DeliveryReceipt', body);
    }
  });

  it('a refusal answers an Error', async () => {
    const answer = await post({ api_secret: 'wrong-secret' });
    expect(answer.status).toBe(200);
    check('/components/schemas/Error', answer.body);
    onlyDocumented('/components/schemas/Error', answer.body);
    for (const message of answer.body.messages) onlyDocumented('/components/schemas/ErrorMessage', message);
    expect(Object.keys(document['x-errors'] as object)).toContain(
      (answer.body.messages[0] as { status: string }).status,
    );
  });
});
