import { parse as parseForm, type ParsedUrlQuery } from 'node:querystring';
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
import type { LatencyTable } from './latency.js';
import { E164_PATTERN } from './number-settings.js';
import type { NumberBook } from './number-book.js';
import type { ReceiptFaults } from './receipt-faults.js';
import type { TwilioAccount } from './store.js';
import {
  SANDBOX_SERVICE_SENDER,
  TWILIO_API_VERSION,
  stageAt,
  twilioMessageResource,
  type TwilioMessageRecord,
} from './twilio-message.js';
import { planSmsFate, twilioStatusJobs } from './twilio-status.js';
import { countSegments } from './twilio-segments.js';
import type { WebhookSender } from './webhook-sender.js';

export interface TwilioEmulatorDeps {
  accounts: ReadonlyMap<string, TwilioAccount>;
  numbers: NumberBook;
  sender: WebhookSender;
  /** An accepted message by SID, for Fetch Message; `sender` stores each one together with its callbacks. */
  findMessage(sid: string): TwilioMessageRecord | undefined;
  messagesTo(
    accountSid: string,
    to: string,
    from: number,
    until: number,
    limit: number,
  ): TwilioMessageRecord[];
  faults: FaultBoard;
  receipts: ReceiptFaults;
  latency: LatencyTable;
}

/** Twilio refuses longer bodies (21617). */
const BODY_MAX = 1600;
/** A Messaging Service SID: MG and 32 hex digits (else 21705). */
const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;

/** A fully qualified http(s) URL, as Twilio requires of StatusCallback (else 21609). */
function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function sid(prefix: string): string {
  return prefix + randomHex(16);
}

/** A Twilio REST error body: `{code, message, more_info, status}`. */
function errorBody(status: number, code: number, message: string, detail?: string): object {
  const body: Record<string, unknown> = {
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  };
  if (detail !== undefined) body.detail = detail;
  return body;
}

function send(reply: FastifyReply, status: number, body: object): FastifyReply {
  return reply.code(status).send(body);
}

function twilioError(reply: FastifyReply, status: number, code: number, message: string, detail?: string) {
  return send(reply, status, errorBody(status, code, message, detail));
}

/** Twilio's 404 for a path it has nothing at: code 20404, naming the path. */
function notFound(url: string): object {
  return errorBody(404, 20404, `The requested resource ${url.split('?')[0]} was not found`);
}

const UNAUTHENTICATED = errorBody(401, 20003, 'Authenticate', 'Your AccountSid or AuthToken was incorrect.');

/** What Twilio answers under request faults, without taking the message. */
const REFUSALS: Partial<Record<RequestFaultKind, Refusal>> = {
  '5xx': { status: 500, body: errorBody(500, 20500, 'Internal Server Error') },
  '429': { status: 429, body: errorBody(429, 20429, 'Too Many Requests') },
};

function first(q: ParsedUrlQuery, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The account a Basic `AccountSid:AuthToken` header proves, if it does. */
function authenticate(header: string | undefined, accounts: ReadonlyMap<string, TwilioAccount>) {
  if (header === undefined || !header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const account = accounts.get(decoded.slice(0, colon));
  return account !== undefined && account.authToken === decoded.slice(colon + 1) ? account : undefined;
}

type CreateRequest = FastifyRequest<{ Params: { accountSid: string } }>;
type FetchRequest = FastifyRequest<{ Params: { accountSid: string; sid: string } }>;

/** Create Message, checked the way Twilio checks it and stored with its callbacks; answered through `respond`. */
function createMessage(deps: TwilioEmulatorDeps, req: CreateRequest, respond: Respond): void {
  const account = authenticate(req.headers.authorization, deps.accounts);
  if (account === undefined || account.accountSid !== req.params.accountSid)
    return respond(401, UNAUTHENTICATED);
  const refuse = (code: number, message: string) => respond(400, errorBody(400, code, message));
  const form = (req.body ?? {}) as ParsedUrlQuery;
  const to = first(form, 'To');
  const from = first(form, 'From');
  const serviceSid = first(form, 'MessagingServiceSid');
  const text = first(form, 'Body');
  const statusCallback = first(form, 'StatusCallback');
  if (!to) return refuse(21604, "A 'To' phone number is required.");
  if (!from && !serviceSid) return refuse(21603, "A 'From' phone number is required.");
  if (serviceSid && !MESSAGING_SERVICE_SID.test(serviceSid)) {
    return refuse(21705, 'The Messaging Service Sid is invalid.');
  }
  // Media or a content template may stand in for the body; the sandbox delivers the body text (or nothing).
  if (!text && !first(form, 'MediaUrl') && !first(form, 'ContentSid')) {
    return refuse(21602, 'Message body is required.');
  }
  if (statusCallback && !isHttpUrl(statusCallback)) {
    return refuse(21609, `The StatusCallback URL ${statusCallback} is not a valid URL.`);
  }
  if (!E164_PATTERN.test(to)) return refuse(21211, `The 'To' number ${to} is not a valid phone number.`);
  if (text !== undefined && text.length > BODY_MAX) {
    return refuse(21617, `The concatenated message body exceeds the ${BODY_MAX} character limit.`);
  }
  const now = Date.now();
  const fate = planSmsFate(now, deps.numbers.get(to));
  // A landline is refused before acceptance: there is no message, nothing is stored.
  if (fate === null) return refuse(21614, "'To' number is not a valid mobile number");

  const message: TwilioMessageRecord = {
    sid: sid('SM'),
    accountSid: account.accountSid,
    to,
    from: from || null,
    messagingServiceSid: serviceSid ?? null,
    body: text ?? '',
    numSegments: countSegments(text ?? '').segments,
    createdAt: now,
    ...fate,
  };
  const jobs = twilioStatusJobs({
    fate,
    accountSid: account.accountSid,
    messageSid: message.sid,
    to,
    from: from || SANDBOX_SERVICE_SENDER,
    messagingServiceSid: message.messagingServiceSid,
    text: text ?? '',
    statusCallback: statusCallback || null,
  });
  deps.receipts.markTwilio(jobs, !!statusCallback);
  // Answer only once the message's fate is on disk: a crash after a 201 must not lose it.
  deps.sender.enqueue(jobs, message).then(
    () => respond(201, twilioMessageResource(message, 'created')),
    () => respond(500, errorBody(500, 20500, 'Internal Server Error')),
  );
}

/** Fetch Message: the resource with the status it has reached by now. */
function fetchMessage(deps: TwilioEmulatorDeps, req: FetchRequest, respond: Respond): void {
  const account = authenticate(req.headers.authorization, deps.accounts);
  if (account === undefined || account.accountSid !== req.params.accountSid)
    return respond(401, UNAUTHENTICATED);
  const message = deps.findMessage(req.params.sid);
  // Another account's message does not exist for this one.
  if (message === undefined || message.accountSid !== account.accountSid)
    return respond(404, notFound(req.url));
  respond(200, twilioMessageResource(message, stageAt(message, Date.now())));
}

/**
 * List Messages, as much of it as reconciling a lost answer needs: `To` (required here), `DateSent>` /
 * `DateSent<` / `DateSent` (a UTC day, `YYYY-MM-DD`), `PageSize` (≤ 1000), newest first, one page.
 */
function listMessages(
  deps: TwilioEmulatorDeps,
  req: {
    headers: { authorization?: string | undefined };
    params: { accountSid: string };
    query: Record<string, string | undefined>;
    url: string;
  },
  respond: Respond,
): void {
  const account = authenticate(req.headers.authorization, deps.accounts);
  if (account === undefined || account.accountSid !== req.params.accountSid)
    return respond(401, UNAUTHENTICATED);
  const q = req.query;
  const day = (value: string | undefined) =>
    value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : undefined;
  const exact = day(q['DateSent']);
  const from = exact ?? day(q['DateSent>']) ?? 0;
  const until = exact !== undefined ? exact + 86_400_000 : (day(q['DateSent<']) ?? Number.MAX_SAFE_INTEGER);
  const pageSize = Math.min(1000, Math.max(1, Number(q['PageSize'] ?? 50) || 50));
  const to = q['To'];
  if (!to) return respond(400, errorBody(400, 21604, "A 'To' phone number is required."));
  const now = Date.now();
  const messages = deps
    .messagesTo(account.accountSid, to, from, until, pageSize)
    .map((m) => twilioMessageResource(m, stageAt(m, now)));
  const uri = req.url;
  respond(200, {
    messages,
    end: messages.length === 0 ? 0 : messages.length - 1,
    first_page_uri: uri,
    next_page_uri: null,
    page: 0,
    page_size: pageSize,
    previous_page_uri: null,
    start: 0,
    uri,
  });
}

/**
 * Twilio's Programmable Messaging Create Message (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`) and
 * Fetch Message (`GET …/Messages/{Sid}.json`), at the root of its own server. Create validates like Twilio,
 * stores the message and its status callbacks (with the moment of delivery) before answering 201 with the
 * Message resource; Fetch answers the resource with the status the message has reached by now. Faults set through
 * the control API apply to Create; latency to both.
 */
export function buildTwilioEmulator(deps: TwilioEmulatorDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, parseForm(body as string)),
  );
  app.setErrorHandler((error: FastifyError, _req, reply) => {
    const status = error.statusCode ?? 500;
    return twilioError(reply, status, status >= 500 ? 20500 : 20001, error.message);
  });
  app.setNotFoundHandler((req, reply) => send(reply, 404, notFound(req.url)));

  const answers = new FaultedAnswers(app, send, REFUSALS);
  app.post<{ Params: { accountSid: string } }>(
    `/${TWILIO_API_VERSION}/Accounts/:accountSid/Messages.json`,
    (req, reply) => {
      const fault = deps.faults.requestFault('twilio');
      answers.serve(req, reply, fault, deps.latency.draw('twilio'), (respond) =>
        createMessage(deps, req, respond),
      );
    },
  );
  app.get<{ Params: { accountSid: string }; Querystring: Record<string, string | undefined> }>(
    `/${TWILIO_API_VERSION}/Accounts/:accountSid/Messages.json`,
    (req, reply) => {
      answers.serve(req, reply, undefined, deps.latency.draw('twilio'), (respond) =>
        listMessages(deps, req, respond),
      );
    },
  );
  app.get<{ Params: { accountSid: string; sid: string } }>(
    `/${TWILIO_API_VERSION}/Accounts/:accountSid/Messages/:sid.json`,
    (req, reply) => {
      answers.serve(req, reply, undefined, deps.latency.draw('twilio'), (respond) =>
        fetchMessage(deps, req, respond),
      );
    },
  );

  return app;
}
