import { parse as parseForm } from 'node:querystring';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { randomHex } from './fast-random.js';
import type { FaultBoard } from './fault-board.js';
import { FaultedAnswers, type Refusal, type Respond } from './faulted-answers.js';
import type { RequestFaultKind } from './fault-spec.js';
import type { ReceiptFaults } from './receipt-faults.js';
import type { LatencyTable } from './latency.js';
import type { NumberBook } from './number-book.js';
import { NETWORK_CODES, sandboxCarrier } from './sandbox-carrier.js';
import type { VonageSandboxAccount } from './store.js';
import { planSmsFate } from './twilio-status.js';
import { countSegments } from './twilio-segments.js';
import { vonageDlrJobs } from './vonage-dlr.js';
import type { WebhookSender } from './webhook-sender.js';

export interface VonageEmulatorDeps {
  /** By API key. */
  accounts: ReadonlyMap<string, VonageSandboxAccount>;
  numbers: NumberBook;
  sender: WebhookSender;
  faults: FaultBoard;
  receipts: ReceiptFaults;
  latency: LatencyTable;
}

/** What one part costs and what the account has left, in the sandbox's play money (EUR, as Vonage bills). */
const PRICE_PER_PART = '0.07500000';
const REMAINING_BALANCE = '100.00000000';
/** `client-ref` is "up to 40 characters". */
const CLIENT_REF_MAX = 40;

/** The SMS API's answer when a message is refused: HTTP 200, one message with its status and error text. */
function refusal(status: string, errorText: string): object {
  return { 'message-count': '1', messages: [{ status, 'error-text': errorText }] };
}

/**
 * What Vonage answers under request faults, without sending. Its SMS API reports throttling inside a 200 answer
 * (status 1), so `429` does too; `5xx` is an HTTP 500 from the platform.
 */
const REFUSALS: Partial<Record<RequestFaultKind, Refusal>> = {
  '5xx': { status: 500, body: refusal('5', 'Internal Error') },
  '429': { status: 200, body: refusal('1', 'Throttled') },
};

function send(reply: FastifyReply, status: number, body: object): FastifyReply {
  return reply.code(status).send(body);
}

type Fields = Record<string, unknown>;

function field(fields: Fields, name: string): string | undefined {
  const v = fields[name];
  const first = Array.isArray(v) ? (v[0] as unknown) : v;
  return first === undefined || first === null ? undefined : String(first);
}

/** Parts of a `unicode` message: 70 UTF-16 units in one, 67 per part when split. */
function unicodeParts(text: string): number {
  return text.length <= 70 ? 1 : Math.ceil(text.length / 67);
}

/** Send an SMS, checked the way Vonage checks it and stored with its receipts; answered through `respond`. */
function sendSms(deps: VonageEmulatorDeps, req: FastifyRequest, respond: Respond): void {
  const refuse = (status: string, text: string) => respond(200, refusal(status, text));
  const fields = (req.body ?? {}) as Fields;
  const apiKey = field(fields, 'api_key');
  const apiSecret = field(fields, 'api_secret');
  if (!apiKey) return refuse('2', 'Missing api_key');
  if (!apiSecret) return refuse('2', 'Missing api_secret');
  const account = deps.accounts.get(apiKey);
  if (account === undefined || account.apiSecret !== apiSecret) return refuse('4', 'Bad Credentials');
  const from = field(fields, 'from');
  const rawTo = field(fields, 'to');
  const text = field(fields, 'text');
  const type = field(fields, 'type') ?? 'text';
  if (!from) return refuse('2', 'Missing from param');
  if (!rawTo) return refuse('2', 'Missing to param');
  if (type !== 'text' && type !== 'unicode') return refuse('3', `Invalid type: ${type} is not emulated`);
  if (!text) return refuse('2', 'Missing text param');
  const to = rawTo.replace(/^\+/, '');
  if (!/^[1-9]\d{6,14}$/.test(to)) return refuse('3', "Invalid 'to' address");
  const clientRef = field(fields, 'client-ref') ?? null;
  if (clientRef !== null && clientRef.length > CLIENT_REF_MAX) {
    return refuse('3', `Invalid client-ref: longer than ${CLIENT_REF_MAX} characters`);
  }
  const callback = field(fields, 'callback') ?? null;
  if (callback !== null && !/^https?:\/\/[^\s]+$/.test(callback)) return refuse('23', 'Invalid Callback Url');

  const e164 = `+${to}`;
  const fate = planSmsFate(Date.now(), deps.numbers.get(e164));
  // A landline has no route: refused at once, nothing is kept.
  if (fate === null) return refuse('3', "Invalid 'to' address");

  const parts = type === 'unicode' ? unicodeParts(text) : countSegments(text).segments;
  const messageIds = Array.from({ length: parts }, () => randomHex(8).toUpperCase());
  const networkCode = NETWORK_CODES[sandboxCarrier(e164)];
  const planned = vonageDlrJobs({
    fate,
    apiKey,
    messageIds,
    to,
    from,
    text,
    clientRef,
    callback,
    networkCode,
    pricePerPart: PRICE_PER_PART,
  });
  deps.receipts.markPairs(
    'vonage',
    planned.flatMap((p) => (p.accepted === null ? [p.final] : [p.accepted, p.final])),
    planned.map((p) => ({ earlier: p.accepted, final: p.final })),
    (callback ?? account.callbackUrl) !== null,
  );
  const jobs = planned.flatMap((p) => (p.accepted === null ? [p.final] : [p.accepted, p.final]));
  const messages = messageIds.map((id) => ({
    to,
    'message-id': id,
    status: '0',
    'remaining-balance': REMAINING_BALANCE,
    'message-price': PRICE_PER_PART,
    network: networkCode,
    ...(clientRef === null ? {} : { 'client-ref': clientRef }),
  }));
  // Answer only once the message's receipts are on disk: a crash after the answer must not lose them.
  deps.sender.enqueue(jobs).then(
    () => respond(200, { 'message-count': String(parts), messages }),
    () => respond(500, refusal('5', 'Internal Error')),
  );
}

/**
 * Vonage's SMS API (`POST /sms/json`, form or JSON body with api_key/api_secret), at the root of its own server.
 * Refusals come as Vonage sends them: HTTP 200 with a non-zero `status` and `error-text`. A taken message is split
 * into parts, each with its own message-id and delivery receipts, stored before the answer. Faults and latency
 * set through the control API apply.
 */
export function buildVonageEmulator(deps: VonageEmulatorDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, parseForm(body as string)),
  );
  app.setErrorHandler((error: FastifyError, _req, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) return send(reply, status, refusal('5', 'Internal Error'));
    return send(reply, 200, refusal('3', `Invalid request: ${error.message}`));
  });
  app.setNotFoundHandler((_req, reply) => send(reply, 404, { type: 'NOT_FOUND', title: 'Not Found' }));

  const answers = new FaultedAnswers(app, send, REFUSALS);
  app.post('/sms/json', (req, reply) => {
    const fault = deps.faults.requestFault('vonage');
    answers.serve(req, reply, fault, deps.latency.draw('vonage'), (respond) => sendSms(deps, req, respond));
  });
  return app;
}
