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
import { pushToUser, type LinePushDeps } from './line-push.js';
import { checkMessagesBody, checkTemplateBody, type Checked } from './line-request-checks.js';
import { RetryKeys } from './line-retry-keys.js';
import { LineUsers } from './line-users.js';
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
  /** Push behaviour per user ID; default: every user follows (kept in memory). Share it with the control API. */
  users?: LineUsers;
  /** Retry keys accepted by push; default: a fresh memory. */
  retryKeys?: RetryKeys;
}

const MISSING_AUTH =
  "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'";
const BAD_TOKEN =
  'Authentication failed. Confirm that the access token in the authorization header is valid.';
const HASH = /^[0-9a-f]{64}$/;

/** LINE's body limit is 2 MB; beyond it LINE answers 413. */
const BODY_LIMIT = 2 * 1024 * 1024;

/** Every answer carries a request ID: the handler's own when it set one (push), else a fresh one. */
function answer(reply: FastifyReply, status: number, body: object): FastifyReply {
  if (!reply.hasHeader('x-line-request-id')) reply.header('x-line-request-id', randomUUID());
  return reply.code(status).send(body);
}

/** What LINE answers under request faults, without taking the message. */
const REFUSALS: Partial<Record<RequestFaultKind, Refusal>> = {
  '5xx': { status: 500, body: { message: 'An error occurred.' } },
  '429': { status: 429, body: { message: 'Too many requests' } },
  monthly_limit: { status: 429, body: { message: 'You have reached your monthly limit.' } },
};

/** The channel whose access token the request carries, after LINE's checks of the token and content type. */
function channelOf(deps: LineEmulatorDeps, req: FastifyRequest, respond: Respond): string | null {
  const auth = req.headers.authorization;
  if (auth === undefined || !auth.startsWith('Bearer ')) {
    respond(401, { message: MISSING_AUTH });
    return null;
  }
  const channelToken = auth.slice('Bearer '.length).trim();
  if (!deps.channels.has(channelToken)) {
    respond(401, { message: BAD_TOKEN });
    return null;
  }
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith('application/json')) {
    respond(400, { message: `The content type, ${contentType || 'none'}, is not supported` });
    return null;
  }
  return channelToken;
}

/** A notification message endpoint: how its body is checked, and the status of a message LINE takes. */
interface NotificationApi {
  check: (raw: Buffer) => Checked;
  okStatus: 200 | 202;
}

/**
 * One notification message request (flexible or template), checked and (when LINE would take it) stored;
 * answered through `respond`. Both kinds behave alike per number and send the same delivery event.
 */
function notify(deps: LineEmulatorDeps, api: NotificationApi, req: FastifyRequest, respond: Respond): void {
  const channelToken = channelOf(deps, req, respond);
  if (channelToken === null) return;
  const tag = req.headers['x-line-delivery-tag'];
  if (typeof tag === 'string' && (tag.length < 16 || tag.length > 100)) {
    return respond(400, {
      message: 'The request header has 1 error(s)',
      details: [{ message: 'Length must be between 16 and 100', property: 'X-Line-Delivery-Tag' }],
    });
  }
  const checked = api.check(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
  if (!checked.ok) {
    const { message, details } = checked;
    return respond(400, details === undefined ? { message } : { message, details });
  }

  // A `to` that is not a lowercase SHA-256 can match no LINE user.
  const settings = HASH.test(checked.to) ? deps.numbers.getByLineHash(checked.to) : undefined;
  if (settings === undefined || settings.line === 'not_found') {
    return respond(422, { message: 'Failed to send messages' });
  }
  if (settings.line === 'blocked') return respond(api.okStatus, {});

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
    () => respond(api.okStatus, {}),
    () => respond(500, { message: 'Internal Server Error' }),
  );
}

const FLEXIBLE: NotificationApi = { check: checkMessagesBody, okStatus: 200 };
const TEMPLATE: NotificationApi = { check: checkTemplateBody, okStatus: 202 };

/**
 * The LINE Messaging API endpoints todoke sends through, at the root of their own server:
 * - notification messages, flexible (`POST /bot/pnp/push`, 200) and template
 *   (`POST /v2/bot/message/pnp/templated/push`, 202). Each number behaves as set in the NumberBook; an accepted
 *   message is stored in the outbox (before the answer) with the moment it reaches the user, when the delivery
 *   event goes to the channel's webhook URL.
 * - push messages to a user ID (`POST /v2/bot/message/push`), with retry keys; see line-push.ts.
 * Faults and latency set through the control API change the answers and the webhooks of all of them.
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
  const serve = (req: FastifyRequest, reply: FastifyReply, handle: (respond: Respond) => void) =>
    answers.serve(req, reply, deps.faults.requestFault('line'), deps.latency.draw('line'), handle);
  app.post('/bot/pnp/push', (req, reply) => serve(req, reply, (r) => notify(deps, FLEXIBLE, req, r)));
  app.post('/v2/bot/message/pnp/templated/push', (req, reply) =>
    serve(req, reply, (r) => notify(deps, TEMPLATE, req, r)),
  );
  const push: LinePushDeps = {
    users: deps.users ?? new LineUsers(),
    retryKeys: deps.retryKeys ?? new RetryKeys(),
    sender: deps.sender,
  };
  app.post('/v2/bot/message/push', (req, reply) =>
    serve(req, reply, (respond) => {
      const channel = channelOf(deps, req, respond);
      if (channel !== null) pushToUser(push, channel, req, reply, respond);
    }),
  );

  return app;
}
