import { randomUUID } from 'node:crypto';
import { parse as parseForm } from 'node:querystring';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { KARADEN_SANDBOX_VERSION, karadenResultJob } from './karaden-callback.js';
import { karadenMessageResource, type KaradenMessageRecord } from './karaden-message.js';
import type { FaultBoard } from './fault-board.js';
import { FaultedAnswers, type Refusal, type Respond } from './faulted-answers.js';
import type { RequestFaultKind } from './fault-spec.js';
import type { ReceiptFaults } from './receipt-faults.js';
import type { LatencyTable } from './latency.js';
import type { NumberBook } from './number-book.js';
import { sandboxCarrier } from './sandbox-carrier.js';
import type { KaradenSandboxAccount } from './store.js';
import { planSmsFate } from './twilio-status.js';
import type { WebhookSender } from './webhook-sender.js';

export interface KaradenEmulatorDeps {
  /** By token. */
  accounts: ReadonlyMap<string, KaradenSandboxAccount>;
  numbers: NumberBook;
  sender: WebhookSender;
  faults: FaultBoard;
  receipts: ReceiptFaults;
  latency: LatencyTable;
}

/** Karaden's API lives under /api on its host. */
export const KARADEN_API_PREFIX = '/api';
/** API versions the emulated Karaden knows (`Karaden-Version`); without the header it uses its own. */
const VERSIONS: ReadonlySet<string> = new Set(['2023-01-01', KARADEN_SANDBOX_VERSION]);
/** Longest body domestic gateways take for docomo, au and Rakuten (SoftBank takes 670). */
const BODY_MAX = 660;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Japanese mobile numbers in domestic form: 060, 070, 080, 090 and eight more digits. */
const MOBILE = /^0[6-9]0\d{8}$/;

/** Karaden's error body: `{object: "error", code, message, errors}`. */
function error(code: string, message: string, errors: Record<string, string[]> | null = null): object {
  return { object: 'error', code, message, errors };
}

const UNAUTHENTICATED = error(
  'unauthentication',
  '認証に失敗しました、指定されているトークンは利用できません',
);
const INVALID_TENANT = error('invalid_tenant', '不正なテナントIDが指定されています');
const INVALID_VERSION = error('invalid_version', '不正なバージョンが指定されています');
const NOT_FOUND = error(
  'model_not_found',
  '対象となるモデルが見つかりませんでした、または指定されたトークンでは操作できない可能性があります。',
);
const UNKNOWN = error('unknown', '不明なエラーが発生しました');

/**
 * What Karaden answers under request faults, without taking the message. Karaden's error codes have none for
 * 429; the sandbox answers `unknown` with its own message.
 */
const REFUSALS: Partial<Record<RequestFaultKind, Refusal>> = {
  '5xx': { status: 500, body: UNKNOWN },
  '429': {
    status: 429,
    body: error('unknown', 'リクエストが多すぎます。しばらく待ってから再度お試しください。'),
  },
};

function send(reply: FastifyReply, status: number, body: object): FastifyReply {
  return reply.code(status).send(body);
}

type Fields = Record<string, string | string[] | undefined>;

function one(fields: Fields, name: string): string | undefined {
  const v = fields[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `tags[]` (form, exploded) or `tags` (JSON): the message's tags. */
function tagsOf(fields: Fields): string[] {
  const v = fields['tags[]'] ?? fields['tags'];
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
}

/** The fields Karaden refuses, with its messages (the wording is the sandbox's: Karaden does not publish it). */
function validate(fields: Fields, account: KaradenSandboxAccount, landline: (to: string) => boolean) {
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  const serviceId = one(fields, 'service_id');
  if (!serviceId) add('service_id', 'サービス設定IDは必須です。');
  else if (!/^\d+$/.test(serviceId)) add('service_id', 'サービス設定IDは整数で指定してください。');
  else if (Number(serviceId) !== account.serviceId)
    add('service_id', '指定されたサービス設定IDは存在しません。');
  const to = one(fields, 'to');
  if (!to) add('to', '送信先電話番号は必須です。');
  else if (!/^[0-9]{11}$/.test(to)) add('to', '送信先電話番号は11桁の数字で指定してください。');
  else if (!MOBILE.test(to) || landline(to)) add('to', '送信先電話番号は携帯電話番号を指定してください。');
  const body = one(fields, 'body');
  if (!body) add('body', '本文は必須です。');
  else if (body.length > BODY_MAX) add('body', `本文は${BODY_MAX}文字以内で指定してください。`);
  for (const name of ['scheduled_at', 'limited_at']) {
    const value = one(fields, name);
    if (value !== undefined && (value === '' || Number.isNaN(Date.parse(value)))) {
      add(name, 'ISO 8601形式の日時を指定してください。');
    }
  }
  return errors;
}

type SendRequest = FastifyRequest<{ Params: { tenantId: string } }>;

/** メッセージ送信, checked the way Karaden checks it and stored with its result callback; answered through `respond`. */
function createMessage(deps: KaradenEmulatorDeps, req: SendRequest, respond: Respond): void {
  const auth = req.headers.authorization;
  const account = auth?.startsWith('Bearer ') ? deps.accounts.get(auth.slice(7).trim()) : undefined;
  if (account === undefined) return respond(401, UNAUTHENTICATED);
  const tenantId = req.params.tenantId;
  if (!UUID.test(tenantId)) return respond(400, INVALID_TENANT);
  if (tenantId.toLowerCase() !== account.tenantId.toLowerCase()) return respond(404, NOT_FOUND);
  const version = req.headers['karaden-version'];
  if (typeof version === 'string' && !VERSIONS.has(version)) return respond(400, INVALID_VERSION);

  const fields = (req.body ?? {}) as Fields;
  const e164Of = (to: string) => `+81${to.slice(1)}`;
  const errors = validate(fields, account, (to) => deps.numbers.get(e164Of(to)).sms === 'landline');
  if (Object.keys(errors).length > 0) {
    return respond(422, error('validation_error', 'バリデーションエラーが発生しました', errors));
  }
  const to = one(fields, 'to')!;
  const e164 = e164Of(to);
  const now = Date.now();
  const scheduled = one(fields, 'scheduled_at');
  const scheduledAt = scheduled === undefined ? null : Date.parse(scheduled);
  const message: KaradenMessageRecord = {
    id: randomUUID(),
    serviceId: account.serviceId,
    to,
    body: one(fields, 'body')!,
    tags: tagsOf(fields),
    carrier: sandboxCarrier(e164),
    createdAt: now,
    scheduledAt,
  };
  // A scheduled message leaves at its time; the number's behaviour plays out from then.
  const fate = planSmsFate(Math.max(now, scheduledAt ?? now), deps.numbers.get(e164))!;
  const job = karadenResultJob(account.token, message, fate, e164);
  deps.receipts.markSingle('karaden', account.token, job, account.callbackUrl !== null);
  // Answer only once the message's fate is on disk: a crash after a 200 must not lose it.
  deps.sender.enqueue([job]).then(
    () => respond(200, karadenMessageResource(message)),
    () => respond(500, UNKNOWN),
  );
}

/**
 * Karaden's メッセージ送信 (`POST /api/{tenant_id}/messages`, form body, Bearer token), on its own server. Checks as
 * Karaden documents them (401, 400 invalid_tenant/invalid_version, 404, 422 validation_error), then stores the
 * message's result callback, due when the number's behaviour says, before answering 200 with the Message. A
 * landline is refused at once as a `to` validation error. Faults and latency set through the control API apply.
 */
export function buildKaradenEmulator(deps: KaradenEmulatorDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, parseForm(body as string)),
  );
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    const status = err.statusCode ?? 500;
    return send(reply, status, status >= 500 ? UNKNOWN : error('validation_error', err.message));
  });
  app.setNotFoundHandler((_req, reply) => send(reply, 404, NOT_FOUND));

  const answers = new FaultedAnswers(app, send, REFUSALS);
  app.post<{ Params: { tenantId: string } }>(`${KARADEN_API_PREFIX}/:tenantId/messages`, (req, reply) => {
    const fault = deps.faults.requestFault('karaden');
    answers.serve(req, reply, fault, deps.latency.draw('karaden'), (respond) =>
      createMessage(deps, req, respond),
    );
  });
  return app;
}
