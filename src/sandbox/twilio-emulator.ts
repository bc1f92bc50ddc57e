import { parse as parseForm, type ParsedUrlQuery } from 'node:querystring';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { randomHex } from './fast-random.js';
import { E164_PATTERN } from './number-settings.js';
import type { NumberBook } from './number-book.js';
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
}

/** Twilio refuses longer bodies (21617). */
const BODY_MAX = 1600;

function sid(prefix: string): string {
  return prefix + randomHex(16);
}

/** A Twilio REST error: `{code, message, more_info, status}`. */
function twilioError(reply: FastifyReply, status: number, code: number, message: string, detail?: string) {
  const body: Record<string, unknown> = {
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  };
  if (detail !== undefined) body.detail = detail;
  return reply.code(status).send(body);
}

/** Twilio's 404 for a path it has nothing at: code 20404, naming the path. */
function notFound(reply: FastifyReply, url: string) {
  return twilioError(reply, 404, 20404, `The requested resource ${url.split('?')[0]} was not found`);
}

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

/**
 * Twilio's Programmable Messaging Create Message (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`) and
 * Fetch Message (`GET …/Messages/{Sid}.json`), at the root of its own server. Create validates like Twilio,
 * stores the message and its status callbacks (with the moment of delivery) before answering 201 with the
 * Message resource; Fetch answers the resource with the status the message has reached by now.
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
  app.setNotFoundHandler((req, reply) => notFound(reply, req.url));

  app.post<{ Params: { accountSid: string } }>(
    `/${TWILIO_API_VERSION}/Accounts/:accountSid/Messages.json`,
    (req, reply) => {
      const account = authenticate(req.headers.authorization, deps.accounts);
      if (account === undefined || account.accountSid !== req.params.accountSid) {
        return twilioError(reply, 401, 20003, 'Authenticate', 'Your AccountSid or AuthToken was incorrect.');
      }
      const form = (req.body ?? {}) as ParsedUrlQuery;
      const to = first(form, 'To');
      const from = first(form, 'From');
      const serviceSid = first(form, 'MessagingServiceSid');
      const text = first(form, 'Body');
      const statusCallback = first(form, 'StatusCallback');
      if (!to) return twilioError(reply, 400, 21604, "A 'To' phone number is required.");
      if (!from && !serviceSid) return twilioError(reply, 400, 21603, "A 'From' phone number is required.");
      if (!text) return twilioError(reply, 400, 21602, 'Message body is required.');
      if (!E164_PATTERN.test(to))
        return twilioError(reply, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
      if (text.length > BODY_MAX) {
        return twilioError(
          reply,
          400,
          21617,
          `The concatenated message body exceeds the ${BODY_MAX} character limit.`,
        );
      }
      const now = Date.now();
      const fate = planSmsFate(now, deps.numbers.get(to));
      // A landline is refused before acceptance: there is no message, nothing is stored.
      if (fate === null) return twilioError(reply, 400, 21614, "'To' number is not a valid mobile number");

      const message: TwilioMessageRecord = {
        sid: sid('SM'),
        accountSid: account.accountSid,
        to,
        from: from || null,
        messagingServiceSid: serviceSid ?? null,
        body: text,
        numSegments: countSegments(text).segments,
        createdAt: now,
        ...fate,
      };
      const stored = deps.sender.enqueue(
        twilioStatusJobs({
          fate,
          accountSid: account.accountSid,
          messageSid: message.sid,
          to,
          from: from || SANDBOX_SERVICE_SENDER,
          messagingServiceSid: message.messagingServiceSid,
          text,
          statusCallback: statusCallback || null,
        }),
        message,
      );
      // Answer only once the message's fate is on disk: a crash after a 201 must not lose it.
      return stored.then(
        () => reply.code(201).send(twilioMessageResource(message, 'created')),
        () => twilioError(reply, 500, 20500, 'Internal Server Error'),
      );
    },
  );

  // Fetch Message: the resource with the status it has reached by now.
  app.get<{ Params: { accountSid: string; sid: string } }>(
    `/${TWILIO_API_VERSION}/Accounts/:accountSid/Messages/:sid.json`,
    (req, reply) => {
      const account = authenticate(req.headers.authorization, deps.accounts);
      if (account === undefined || account.accountSid !== req.params.accountSid) {
        return twilioError(reply, 401, 20003, 'Authenticate', 'Your AccountSid or AuthToken was incorrect.');
      }
      const message = deps.findMessage(req.params.sid);
      // Another account's message does not exist for this one.
      if (message === undefined || message.accountSid !== account.accountSid) return notFound(reply, req.url);
      return reply.code(200).send(twilioMessageResource(message, stageAt(message, Date.now())));
    },
  );

  return app;
}
