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
import { createKaradenClient, type KaradenAccount } from './client.js';

/**
 * What todoke sends to Karaden, and what the emulator answers and calls back with, checked against Karaden's own
 * OpenAPI file (/work/shared/specs/karaden-2024-03-01.yaml), $refs resolved inside the document.
 */
const SPEC = '/work/shared/specs/karaden-2024-03-01.yaml';
const MESSAGES = '/paths/~1{tenant_id}~1messages/post';
const FORM = `${MESSAGES}/requestBody/content/application~1x-www-form-urlencoded/schema`;
const CALLBACK = '/paths/~1callback~1messages~1test~1sent/post/requestBody/content/application~1json/schema';
const answerSchema = (status: number) => `${MESSAGES}/responses/${status}/content/application~1json/schema`;

// ajv-formats is CommonJS with `exports.default`; NodeNext sees the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const document = parseYaml(readFileSync(SPEC, 'utf8')) as Record<string, unknown>;

/** A validator for the schema at `pointer`; form bodies are strings, so `coerce` reads them as OpenAPI does. */
function validatorAt(pointer: string, coerce = false): ValidateFunction {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    ...(coerce ? { coerceTypes: 'array' as const } : {}),
  });
  addFormats(ajv);
  ajv.addSchema(document, 'karaden');
  return ajv.getSchema(`karaden#${pointer}`)!;
}

/**
 * Karaden's own examples answer `"errors": null` for every error but validation_error, while its schema says
 * `errors` is an object (OpenAPI 3.0 without `nullable`). The emulator answers as the examples do; the schema
 * check reads that null as an absent `errors`.
 */
function asDocumented(body: Record<string, unknown>): Record<string, unknown> {
  const { errors, ...rest } = body;
  return errors === null ? rest : body;
}

function check(pointer: string, value: unknown, coerce = false): void {
  const validate = validatorAt(pointer, coerce);
  expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
}

/** Property names the schema at `pointer` documents (following one $ref). */
function documented(pointer: string): string[] {
  const node = pointer
    .split('/')
    .slice(1)
    .reduce<unknown>(
      (n, key) => (n as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')],
      document,
    ) as {
    $ref?: string;
    properties?: object;
  };
  if (node.$ref !== undefined) return documented(node.$ref.slice(1));
  return Object.keys(node.properties ?? {});
}

const TENANT = '0f3e2d1c-5b4a-4987-a6b5-c4d3e2f1a0b9';
const TOKEN = 'karaden-spec-token';

let sandbox: Sandbox;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  sandbox = await startSandbox({ dataDir: null });
  sandbox.configureKaradenAccount({
    tenantId: TENANT,
    token: TOKEN,
    serviceId: 2,
    callbackUrl: `${receiver.url}/cb`,
  });
});

afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

function account(baseUrl: string): KaradenAccount {
  return {
    name: 'karaden',
    provider: 'karaden',
    baseUrl,
    rateLimit: 10,
    concurrency: 1,
    timeoutMs: 5000,
    token: TOKEN,
    tenantId: TENANT,
    serviceId: 2,
  };
}

const sendRequest = (phone: string) => ({
  attemptId: ulid(),
  messageId: ulid(),
  channel: 'sms' as const,
  phone,
  lineUserId: null,
  email: null,
  text: 'お支払期限のお知らせ & ご確認ください',
  callbackUrl: null,
});

describe('Karaden requests todoke sends, against the spec', () => {
  it('the メッセージ送信 form has only documented fields, of the documented types', async () => {
    const server = await startScriptedServer(() => ({ status: 200, body: '{}' }));
    const client = createKaradenClient(account(`${server.url}/api`));
    await client.send(sendRequest('+819012345678'));
    await client.close();
    await server.close();
    const sent = server.requests[0]!;
    expect(sent.url).toBe(`/api/${TENANT}/messages`);
    const form: Record<string, string | string[]> = {};
    for (const [name, value] of new URLSearchParams(sent.body)) {
      const prior = form[name];
      form[name] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
    }
    for (const name of Object.keys(form)) expect(documented(FORM)).toContain(name);
    check(FORM, form, true);
    check('/components/parameters/ApiVersion/schema', sent.headers['karaden-version']);
  });
});

describe('Karaden emulator answers and callbacks, against the spec', () => {
  const post = async (fields: Record<string, string>, token = TOKEN, tenant = TENANT) => {
    const res = await request(`${sandbox.karadenBaseUrl}/${tenant}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ service_id: '2', to: '09011112222', body: '本文', ...fields }).toString(),
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };

  it('200 is a Message, and the result callback a SentMessage', async () => {
    sandbox.setNumber('+819011112222', { sms: 'delivered', smsDelayMs: 0 });
    const answer = await post({ 'tags[]': 'todoke:spec' });
    expect(answer.status).toBe(200);
    check(answerSchema(200), answer.body);
    const [callback] = await receiver.waitFor(1, (r) =>
      r.rawBody.toString().includes(answer.body.id as string),
    );
    check(CALLBACK, JSON.parse(callback!.rawBody.toString('utf8')));
  });

  it.each<[number, { token?: string; tenant?: string; to?: string }]>([
    [401, { token: 'wrong' }],
    [400, { tenant: 'not-a-uuid' }],
    [422, { to: '123' }],
  ])('%d is an Error of the documented shape', async (status, wrong) => {
    const answer = await post(
      wrong.to === undefined ? {} : { to: wrong.to },
      wrong.token ?? TOKEN,
      wrong.tenant ?? TENANT,
    );
    expect(answer.status).toBe(status);
    expect(answer.body).toHaveProperty('errors');
    check(answerSchema(status), asDocumented(answer.body));
  });

  it('500 under a fault is an Error of the documented shape', async () => {
    sandbox.addFault({ provider: 'karaden', kind: '5xx' });
    const answer = await post({});
    expect(answer.status).toBe(500);
    expect(answer.body.errors).toBeNull();
    check(answerSchema(500), asDocumented(answer.body));
  });
});
