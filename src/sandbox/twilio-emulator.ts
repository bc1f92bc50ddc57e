import { parse as parseForm, type ParsedUrlQuery } from 'node:querystring';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { randomHex } from './fast-random.js';
import { E164_PATTERN } from './number-settings.js';
import type { NumberBook } from './number-book.js';
import type { TwilioAccount } from './store.js';
import { twilioStatusJobs } from './twilio-status.js';
import { countSegments } from './twilio-segments.js';
import type { WebhookSender } from './webhook-sender.js';

export interface TwilioEmulatorDeps {
  accounts: ReadonlyMap<string, TwilioAccount>;
  numbers: NumberBook;
  sender: WebhookSender;
}

const API_VERSION = '2010-04-01';
/** Twilio refuses longer bodies (21617). */
const BODY_MAX = 1600;
/** The sender a Messaging Service picks in the sandbox (Twilio's own test number for a valid From). */
export const SANDBOX_SERVICE_SENDER = '+15005550006';

function sid(prefix: string): string {
  return prefix + randomHex(16);
}

/** RFC 2822 in GMT, as Twilio writes dates: `Thu, 24 Aug 2023 05:01:45 +0000`. */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
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
 * Twilio's Programmable Messaging create endpoint (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`), at
 * the root of its own server: validates like Twilio, answers 201 with the Message resource, and stores the status
 * callbacks (with the moment of delivery) in the outbox before answering.
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
  app.setNotFoundHandler((req, reply) =>
    twilioError(reply, 404, 20404, `The requested resource ${req.url.split('?')[0]} was not found`),
  );

  app.post<{ Params: { accountSid: string } }>(
    '/2010-04-01/Accounts/:accountSid/Messages.json',
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
      const settings = deps.numbers.get(to);
      if (settings.sms === 'landline')
        return twilioError(reply, 400, 21614, "'To' number is not a valid mobile number");

      const now = Date.now();
      const messageSid = sid('SM');
      const viaService = !from;
      const stored = deps.sender.enqueue(
        twilioStatusJobs({
          now,
          settings,
          accountSid: account.accountSid,
          messageSid,
          to,
          from: from || SANDBOX_SERVICE_SENDER,
          messagingServiceSid: serviceSid ?? null,
          text,
          statusCallback: statusCallback || null,
        }),
      );

      const date = rfc2822(now);
      const uri = `/${API_VERSION}/Accounts/${account.accountSid}/Messages/${messageSid}`;
      // Field order and values as in Twilio's answer; a Messaging Service picks its sender after the answer.
      const resource = {
        body: text,
        num_segments: viaService ? '0' : String(countSegments(text).segments),
        direction: 'outbound-api',
        from: viaService ? null : from,
        to,
        date_updated: date,
        price: null,
        error_message: null,
        uri: `${uri}.json`,
        account_sid: account.accountSid,
        num_media: '0',
        status: viaService ? 'accepted' : 'queued',
        messaging_service_sid: serviceSid ?? null,
        sid: messageSid,
        date_sent: null,
        date_created: date,
        error_code: null,
        price_unit: 'USD',
        api_version: API_VERSION,
        subresource_uris: { media: `${uri}/Media.json` },
      };
      // Answer only once the message's fate is on disk: a crash after a 201 must not lose it.
      return stored.then(
        () => reply.code(201).send(resource),
        () => twilioError(reply, 500, 20500, 'Internal Server Error'),
      );
    },
  );

  return app;
}
