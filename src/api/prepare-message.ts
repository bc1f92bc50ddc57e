import type { Channel } from '../core/channels.js';
import type { Clock } from '../core/clock.js';
import { normalizePhone, phoneHmac } from '../core/phone.js';
import { CONSENT_CHANNELS, type PurposePolicy } from '../core/purposes.js';
import type { Route } from '../core/route.js';
import { isTimeZone } from '../core/send-window.js';
import { resolveRouteSteps } from '../config/route-steps.js';
import type { TodokeConfig } from '../config/config.js';
import type { NewMessage } from '../store/records.js';
import { ApiError, validationFailed } from './api-error.js';
import { requestHash } from './canonical-json.js';
import type { MessageBody } from './message-body.js';
import { CHANNEL_NAMES_JA, messageContent } from './message-content.js';
import type { ResolvedTemplate } from './template-resolver.js';

export interface PrepareContext {
  config: TodokeConfig;
  clock: Clock;
  newId: () => string;
}

/** The address each channel needs, as named in the request. */
const RECIPIENT_FIELD: Record<Channel, 'phone' | 'lineUserId' | 'email'> = {
  line_pnp: 'phone',
  line_push: 'lineUserId',
  sms: 'phone',
  email: 'email',
};

function resolveRoute(route: MessageBody['route'], config: TodokeConfig): Route {
  if (typeof route === 'string') {
    const named = Object.hasOwn(config.routes, route) ? config.routes[route] : undefined;
    if (named) return named;
    const known = Object.keys(config.routes).join(', ') || '(none)';
    throw new ApiError(
      422,
      'unknown_route',
      `ルート "${route}" は設定されていません / No route named "${route}" is configured (configured: ${known})`,
    );
  }
  const resolved = resolveRouteSteps(route.steps, config.accounts);
  if (resolved.ok) return { name: null, steps: resolved.steps };
  const problem = resolved.problems[0]!;
  throw new ApiError(
    422,
    'no_account_for_channel',
    `このチャネルに使えるアカウントがありません / route.steps.${problem.step}: ${problem.message}`,
  );
}

function checkRecipient(body: MessageBody, channel: Channel): void {
  const field = RECIPIENT_FIELD[channel];
  if (body.to[field] !== undefined) return;
  throw new ApiError(
    422,
    'missing_recipient',
    `${CHANNEL_NAMES_JA[channel]} の宛先 to.${field} がありません / The ${channel} step needs to.${field}`,
  );
}

/** The phone number in E.164, refusing numbers the route could not text. */
function resolvePhone(input: string, needsMobile: boolean): string {
  const phone = normalizePhone(input);
  if (phone.ok) return phone.e164;
  if (phone.code === 'invalid_phone') {
    throw new ApiError(
      422,
      'invalid_phone',
      `電話番号の形式が正しくありません / The phone number is not valid: ${JSON.stringify(input)}`,
    );
  }
  if (!needsMobile) return phone.e164;
  throw new ApiError(
    422,
    'not_sms_capable',
    `携帯電話番号ではないため SMS や LINE では届けられません / This number cannot receive SMS or LINE messages (${phone.reason}): ${JSON.stringify(input)}`,
    { phoneType: phone.type },
  );
}

function resolveTimes(body: MessageBody, now: number): { sendAt: number | null; expiresAt: number | null } {
  const sendAt = body.sendAt === undefined ? null : Date.parse(body.sendAt);
  const expiresAt = body.expiresAt === undefined ? null : Date.parse(body.expiresAt);
  if (expiresAt !== null && expiresAt <= now) {
    throw validationFailed([{ path: 'expiresAt', message: 'must be in the future' }]);
  }
  if (expiresAt !== null && sendAt !== null && expiresAt <= sendAt) {
    throw validationFailed([{ path: 'expiresAt', message: 'must be after sendAt' }]);
  }
  return { sendAt, expiresAt };
}

/** The purpose's policy; the step channels it allows, and the recipient's opt-in where it needs one. */
function purposeFor(body: MessageBody, route: Route, config: TodokeConfig): PurposePolicy {
  const policy = Object.hasOwn(config.purposes, body.purpose) ? config.purposes[body.purpose] : undefined;
  if (!policy) {
    throw new ApiError(
      422,
      'unknown_purpose',
      `用途 "${body.purpose}" は設定されていません / The purpose "${body.purpose}" is not configured (allowed: ${Object.keys(config.purposes).join(', ')})`,
    );
  }
  for (const [i, step] of route.steps.entries()) {
    if (!policy.channels.includes(step.channel)) {
      const why =
        policy.promotional && step.channel === 'line_pnp'
          ? 'LINE forbids promotional content in notification messages'
          : `allowed: ${policy.channels.join(', ')}`;
      throw new ApiError(
        422,
        'channel_not_allowed',
        `用途 "${policy.name}" では ${CHANNEL_NAMES_JA[step.channel]} を使えません / The purpose "${policy.name}" may not use ${step.channel} (route step ${i}; ${why})`,
        { step: i, channel: step.channel, allowed: policy.channels },
      );
    }
    if (
      policy.consentRequired &&
      CONSENT_CHANNELS.includes(step.channel) &&
      body.to.optedInAt === undefined
    ) {
      throw new ApiError(
        422,
        'consent_required',
        `用途 "${policy.name}" の ${CHANNEL_NAMES_JA[step.channel]} は受信に同意した方にのみ送れます: to.optedInAt を指定してください / The purpose "${policy.name}" sends ${step.channel} only to people who opted in: give to.optedInAt`,
        { step: i, channel: step.channel },
      );
    }
  }
  return policy;
}

/** The recipient's time zone and opt-in time, checked. */
function recipientDetails(
  body: MessageBody,
  now: number,
): { timeZone: string | null; optedInAt: number | null } {
  const timeZone = body.to.timeZone ?? null;
  if (timeZone !== null && !isTimeZone(timeZone)) {
    throw validationFailed([
      { path: 'to.timeZone', message: 'must be an IANA time zone such as Asia/Tokyo' },
    ]);
  }
  const optedInAt = body.to.optedInAt === undefined ? null : Date.parse(body.to.optedInAt);
  if (optedInAt !== null && optedInAt > now) {
    throw validationFailed([{ path: 'to.optedInAt', message: 'must not be in the future' }]);
  }
  return { timeZone, optedInAt };
}

/**
 * Checks one validated message body against the configuration and turns it into the message to store: the
 * route resolved in full (later config changes do not touch accepted messages), the phone number in E.164 and
 * its HMAC, and the hash that tells a retry from a conflicting request. Throws ApiError on the first problem.
 */
export function prepareMessage(
  body: MessageBody,
  idempotencyKey: string | undefined,
  apiKeyId: string | null,
  ctx: PrepareContext,
  template: ResolvedTemplate | null = null,
): NewMessage {
  const { config, clock } = ctx;
  const route = resolveRoute(body.route, config);
  const policy = purposeFor(body, route, config);
  let needsMobile = false;
  for (const step of route.steps) {
    checkRecipient(body, step.channel);
    if (step.channel === 'sms' || step.channel === 'line_pnp') needsMobile = true;
  }
  const channels = route.steps.map((step) => step.channel);
  const content = messageContent(body, channels, policy, config.contentRules, template);
  const phone = body.to.phone === undefined ? null : resolvePhone(body.to.phone, needsMobile);
  const now = clock.now();
  const { sendAt, expiresAt } = resolveTimes(body, now);
  const { timeZone, optedInAt } = recipientDetails(body, now);

  const id = ctx.newId();
  return {
    id,
    idempotencyKey: idempotencyKey ?? id,
    // Without the caller's key the key is the new id, which no earlier request can have used: nothing will ever
    // be compared with the hash, and hashing every item of a 10,000-message batch is not free.
    requestHash: idempotencyKey === undefined ? '' : requestHash({ ...body, idempotencyKey: undefined }),
    phone,
    phoneHmac: phone === null ? null : phoneHmac(config.secret, phone),
    lineUserId: body.to.lineUserId ?? null,
    email: body.to.email ?? null,
    purpose: body.purpose,
    route,
    content,
    priority: body.priority,
    sendAt,
    expiresAt,
    campaignId: null,
    metadata: body.metadata ?? null,
    apiKeyId,
    createdAt: now,
    timeZone,
    optedInAt,
  };
}
