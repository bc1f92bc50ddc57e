import type { Channel } from '../core/channels.js';
import type { Clock } from '../core/clock.js';
import { normalizePhone, phoneHmac } from '../core/phone.js';
import type { Route } from '../core/route.js';
import { resolveRouteSteps } from '../config/route-steps.js';
import type { TodokeConfig } from '../config/config.js';
import type { MessageContent, NewMessage } from '../store/records.js';
import { ApiError, validationFailed } from './api-error.js';
import { requestHash } from './canonical-json.js';
import type { MessageBody } from './message-body.js';

export interface PrepareContext {
  config: TodokeConfig;
  clock: Clock;
  newId: () => string;
}

const CHANNEL_NAMES_JA: Record<Channel, string> = {
  line_pnp: 'LINE 通知メッセージ',
  line_push: 'LINE プッシュ',
  sms: 'SMS',
  email: 'メール',
};

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

function checkContent(body: MessageBody, channel: Channel): void {
  const own = body.content?.[channel];
  const text = own?.text ?? body.text;
  if (text !== undefined && (channel !== 'email' || body.content?.email?.subject !== undefined)) return;
  const needed = channel === 'email' ? 'content.email.subject and text' : `text or content.${channel}.text`;
  throw new ApiError(
    422,
    'missing_content',
    `${CHANNEL_NAMES_JA[channel]} の本文がありません / No content for ${channel}: give ${needed}`,
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

function messageContent(body: MessageBody): MessageContent {
  const content: MessageContent = {};
  if (body.text !== undefined) content.text = body.text;
  if (body.content) {
    const channels: MessageContent['channels'] = {};
    for (const [channel, value] of Object.entries(body.content) as [
      Channel,
      { text?: string; subject?: string },
    ][]) {
      if (value === undefined) continue;
      const text = value.text ?? body.text ?? '';
      channels[channel] = value.subject === undefined ? { text } : { text, subject: value.subject };
    }
    content.channels = channels;
  }
  return content;
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
): NewMessage {
  const { config, clock } = ctx;
  if (!config.purposes.includes(body.purpose)) {
    throw new ApiError(
      422,
      'unknown_purpose',
      `用途 "${body.purpose}" は設定されていません / The purpose "${body.purpose}" is not configured (allowed: ${config.purposes.join(', ')})`,
    );
  }
  const route = resolveRoute(body.route, config);
  let needsMobile = false;
  for (const step of route.steps) {
    checkRecipient(body, step.channel);
    checkContent(body, step.channel);
    if (step.channel === 'sms' || step.channel === 'line_pnp') needsMobile = true;
  }
  const phone = body.to.phone === undefined ? null : resolvePhone(body.to.phone, needsMobile);
  const now = clock.now();
  const { sendAt, expiresAt } = resolveTimes(body, now);

  const id = ctx.newId();
  const { idempotencyKey: _key, ...hashed } = body;
  return {
    id,
    idempotencyKey: idempotencyKey ?? id,
    requestHash: requestHash(hashed),
    phone,
    phoneHmac: phone === null ? null : phoneHmac(config.secret, phone),
    lineUserId: body.to.lineUserId ?? null,
    email: body.to.email ?? null,
    purpose: body.purpose,
    route,
    content: messageContent(body),
    priority: body.priority,
    sendAt,
    expiresAt,
    campaignId: null,
    metadata: body.metadata ?? null,
    apiKeyId,
    createdAt: now,
  };
}
