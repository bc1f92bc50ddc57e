import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { fastUlid } from './fast-random.js';
import type { FaultBoard } from './fault-board.js';
import { FaultedAnswers, type Refusal, type Respond } from './faulted-answers.js';
import type { RequestFaultKind } from './fault-spec.js';
import type { LatencyTable } from './latency.js';
import type { LineDeliveryPayload } from './line-webhook.js';
import type { NumberBook } from './number-book.js';
import type { MarkedJob, ReceiptFaults } from './receipt-faults.js';
import type { LineChannel } from './store.js';
import type { WebhookSender } from './webhook-sender.js';

export interface LineEmulatorDeps {
  channels: ReadonlyMap<string, LineChannel>;
  numbers: NumberBook;
  sender: WebhookSender;
  faults: FaultBoard;
  receipts: ReceiptFaults;
  latency: LatencyTable;
}

interface ErrorDetail {
  message: string;
  property: string;
}

/** The request, checked the way LINE checks it. */
type Checked =
  { ok: true; to: string; text: string } | { ok: false; message: string; details?: ErrorDetail[] };

const MISSING_AUTH =
  "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'";
const BAD_TOKEN =
  'Authentication failed. Confirm that the access token in the authorization header is valid.';
const HASH = /^[0-9a-f]{64}$/;
const TEXT_MAX = 5000;

/** LINE's body limit is 2 MB; beyond it LINE answers 413. */
const BODY_LIMIT = 2 * 1024 * 1024;

function checkBody(raw: Buffer): Checked {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, message: 'The request body could not be parsed as JSON' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'The request body could not be parsed as JSON' };
  }
  const { to, messages } = body as { to?: unknown; messages?: unknown };
  const details: ErrorDetail[] = [];
  if (typeof to !== 'string' || to === '') details.push({ message: 'must be specified', property: 'to' });
  const texts: string[] = [];
  if (messages === undefined || messages === null) {
    details.push({ message: 'must be specified', property: 'messages' });
  } else if (!Array.isArray(messages) || messages.length < 1 || messages.length > 5) {
    details.push({ message: 'Size must be between 1 and 5', property: 'messages' });
  } else {
    messages.forEach((m: unknown, i) => {
      const message = (typeof m === 'object' && m !== null ? m : {}) as { type?: unknown; text?: unknown };
      if (typeof message.type !== 'string') {
        details.push({ message: 'must be specified', property: `messages[${i}].type` });
      } else if (message.type !== 'text') {
        texts.push(`[${message.type}]`);
      } else if (typeof message.text !== 'string') {
        details.push({ message: 'must be specified', property: `messages[${i}].text` });
      } else if (message.text.length === 0) {
        details.push({ message: 'May not be empty', property: `messages[${i}].text` });
      } else if (message.text.length > TEXT_MAX) {
        details.push({
          message: `Length must be between 0 and ${TEXT_MAX}`,
          property: `messages[${i}].text`,
        });
      } else {
        texts.push(message.text);
      }
    });
  }
  if (details.length > 0)
    return { ok: false, message: `The request body has ${details.length} error(s)`, details };
  return { ok: true, to: to as string, text: texts.join('\n') };
}

function answer(reply: FastifyReply, status: number, body: object): FastifyReply {
  return reply.code(status).header('x-line-request-id', randomUUID()).send(body);
}

/** What LINE answers under request faults, without taking the message. */
const REFUSALS: Partial<Record<RequestFaultKind, Refusal>> = {
  '5xx': { status: 500, body: { message: 'An error occurred.' } },
  '429': { status: 429, body: { message: 'Too many requests' } },
  monthly_limit: { status: 429, body: { message: 'You have reached your monthly limit.' } },
};

/** One notification message request, checked and (when LINE would take it) stored; answered through `respond`. */
function push(deps: LineEmulatorDeps, req: FastifyRequest, respond: Respond): void {
  const auth = req.headers.authorization;
  if (auth === undefined || !auth.startsWith('Bearer ')) return respond(401, { message: MISSING_AUTH });
  const channelToken = auth.slice('Bearer '.length).trim();
  if (!deps.channels.has(channelToken)) return respond(401, { message: BAD_TOKEN });

  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith('application/json')) {
    return respond(400, { message: `The content type, ${contentType || 'none'}, is not supported` });
  }
  const tag = req.headers['x-line-delivery-tag'];
  if (typeof tag === 'string' && (tag.length < 16 || tag.length > 100)) {
    return respond(400, {
      message: 'The request header has 1 error(s)',
      details: [{ message: 'Length must be between 16 and 100', property: 'X-Line-Delivery-Tag' }],
    });
  }
  const checked = checkBody(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
  if (!checked.ok) {
    const { message, details } = checked;
    return respond(400, details === undefined ? { message } : { message, details });
  }

  // A `to` that is not a lowercase SHA-256 can match no LINE user.
  const settings = HASH.test(checked.to) ? deps.numbers.getByLineHash(checked.to) : undefined;
  if (settings === undefined || settings.line === 'not_found') {
    return respond(422, { message: 'Failed to send messages' });
  }
  if (settings.line === 'blocked') return respond(200, {});

  const dueAt = Date.now() + settings.lineDelayMs;
  const data = typeof tag === 'string' ? tag : checked.to;
  const payload: LineDeliveryPayload = { data, webhookEventId: fastUlid(dueAt), timestamp: dueAt };
  const job: MarkedJob = {
    kind: 'line',
    account: channelToken,
    dueAt,
    payload,
    ledger: {
      channel: 'line_pnp',
      provider: 'line',
      toKey: checked.to,
      text: checked.text,
      attemptRef: data,
    },
  };
  deps.receipts.markLine(channelToken, job);
  // Answer only once the message is on disk: a crash after a 200 must not lose it.
  deps.sender.enqueue([job]).then(
    () => respond(200, {}),
    () => respond(500, { message: 'Internal Server Error' }),
  );
}

/**
 * The LINE Messaging API's notification message endpoint (`POST /bot/pnp/push`), at the root of its own server.
 * Each number behaves as set in the NumberBook; an accepted message is stored in the outbox (before the answer)
 * with the moment it reaches the user, when the delivery event goes to the channel's webhook URL. Faults and
 * latency set through the control API change the answer and the webhook.
 */
export function buildLineEmulator(deps: LineEmulatorDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });
  // LINE reports body errors itself, so the body arrives raw whatever its content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError, _req, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) return answer(reply, 413, { message: 'Request Entity Too Large' });
    return answer(reply, status, { message: status >= 500 ? 'Internal Server Error' : 'Bad Request' });
  });
  app.setNotFoundHandler((_req, reply) => answer(reply, 404, { message: 'Not found' }));

  const answers = new FaultedAnswers(app, answer, REFUSALS);
  app.post('/bot/pnp/push', (req, reply) => {
    const fault = deps.faults.requestFault('line');
    answers.serve(req, reply, fault, deps.latency.draw('line'), (respond) => push(deps, req, respond));
  });

  return app;
}
