import type { OpenApiDocument } from './openapi.js';

/**
 * What Twilio documents outside its OpenAPI file, for the checks the spec cannot make.
 *
 * Status callbacks (Messaging docs, "Track the message status of outbound messages"): a form-encoded POST with a
 * subset of the standard messaging request properties plus MessageStatus and ErrorCode; SmsSid/SmsStatus are
 * the older names of MessageSid/MessageStatus; RawDlrDoneDate (changelog, Feb 2023) is the carrier's done date
 * as YYMMDDhhmm on delivered and undelivered callbacks.
 */
export const DOCUMENTED_CALLBACK_PARAMS = new Set([
  'MessageSid',
  'SmsSid',
  'SmsMessageSid',
  'AccountSid',
  'MessagingServiceSid',
  'From',
  'To',
  'Body',
  'NumMedia',
  'NumSegments',
  'MessageStatus',
  'SmsStatus',
  'ErrorCode',
  'ApiVersion',
  'RawDlrDoneDate',
]);

/** Present in every status callback. */
const ALWAYS = ['MessageSid', 'AccountSid', 'From', 'To', 'MessageStatus', 'ApiVersion'];

const MESSAGE = '#/components/schemas/api.v2010.account.message/properties';

/** Problems with one status callback's parameters, checked against the docs and the spec's own field rules. */
export function callbackProblems(spec: OpenApiDocument, params: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(params)) {
    if (!DOCUMENTED_CALLBACK_PARAMS.has(name)) problems.push(`${name}: not a documented callback parameter`);
  }
  for (const name of ALWAYS) if (params[name] === undefined) problems.push(`${name}: missing`);
  const against = (name: string, pointer: string) => {
    if (params[name] === undefined) return;
    problems.push(...spec.validateSchema(pointer, params[name]).errors.map((e) => e.replace('value', name)));
  };
  against('MessageSid', `${MESSAGE}/sid`);
  against('SmsSid', `${MESSAGE}/sid`);
  against('AccountSid', `${MESSAGE}/account_sid`);
  against('MessagingServiceSid', `${MESSAGE}/messaging_service_sid`);
  against('MessageStatus', 'message_enum_status');
  against('SmsStatus', 'message_enum_status');
  if (params.SmsSid !== undefined && params.SmsSid !== params.MessageSid)
    problems.push('SmsSid: differs from MessageSid');
  if (params.SmsStatus !== undefined && params.SmsStatus !== params.MessageStatus) {
    problems.push('SmsStatus: differs from MessageStatus');
  }
  if (params.ApiVersion !== undefined && params.ApiVersion !== '2010-04-01')
    problems.push('ApiVersion: not 2010-04-01');
  if (params.ErrorCode !== undefined && !/^\d{5}$/.test(params.ErrorCode))
    problems.push('ErrorCode: not a Twilio error code');
  if (params.RawDlrDoneDate !== undefined && !/^\d{10}$/.test(params.RawDlrDoneDate)) {
    problems.push('RawDlrDoneDate: not YYMMDDhhmm');
  }
  return problems;
}

/**
 * Twilio's REST error body (docs, "Twilio API responses: errors"): `code`, `message`, `more_info` (the error's
 * page) and `status` (the HTTP status), sometimes `detail` or `details`. The OpenAPI file documents no error
 * answers at all, so this is checked by hand.
 */
export function errorBodyProblems(status: number, body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return ['error body: not a JSON object'];
  const b = body as Record<string, unknown>;
  const problems: string[] = [];
  for (const name of Object.keys(b)) {
    if (!['code', 'message', 'more_info', 'status', 'detail', 'details'].includes(name)) {
      problems.push(`error body ${name}: not a documented field`);
    }
  }
  if (!Number.isInteger(b.code)) problems.push('error body code: must be an integer');
  if (typeof b.message !== 'string' || b.message === '')
    problems.push('error body message: must be a string');
  if (b.more_info !== `https://www.twilio.com/docs/errors/${String(b.code)}`) {
    problems.push('error body more_info: must be the error code page');
  }
  if (b.status !== status) problems.push(`error body status: must be ${status}`);
  return problems;
}

/** Twilio writes dates in RFC 2822, in GMT: `Thu, 24 Aug 2023 05:01:45 +0000` (the spec's `date-time-rfc-2822`). */
export const RFC2822_FORMAT =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
