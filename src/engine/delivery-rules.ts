import type { Channel } from '../core/channels.js';
import type { Decision } from '../core/decision.js';
import { purposeClass, type PurposePolicy } from '../core/purposes.js';
import { decide, type DecideInput } from '../core/route-policy.js';
import { CHANNEL_ADDRESS, addressHint, addressHmac, isSmsOptOut } from '../core/suppression.js';
import type { AttemptRecord, MessageRecord, SuppressionRecord } from '../store/records.js';
import type { EngineContext } from './engine-context.js';

/** The parts of the engine these rules use. */
export type RulesContext = Pick<EngineContext, 'store' | 'config' | 'clock' | 'logger' | 'newId'>;

/**
 * `decide` with the rules of the message's purpose and recipient: the purpose's send window in the recipient's
 * time zone, and the suppressions (opt-outs) that apply to it. Suppressions are read only when a request is about
 * to be made (or held for its window), so waiting for receipts costs no extra read. Also records the opt-outs
 * providers reported on earlier attempts (Twilio 21610), so the next promotional message skips that SMS.
 */
export async function decideWithDeliveryRules(
  ctx: RulesContext,
  message: MessageRecord,
  attempts: readonly AttemptRecord[],
  input: DecideInput,
): Promise<Decision> {
  const policy = Object.hasOwn(ctx.config.purposes, message.purpose)
    ? ctx.config.purposes[message.purpose]
    : undefined;
  const ruled: DecideInput = { ...input };
  if (policy) ruled.purpose = policy;
  if (message.timeZone) ruled.timeZone = message.timeZone;
  await recordOptOuts(ctx, message, attempts);
  const decision = decide(ruled);
  // A suppressed message must not wait a night for its window only to be skipped in the morning.
  const wouldSend = decision.send !== undefined || decision.events.some((e) => e.type === 'window_wait');
  if (!wouldSend) return decision;
  const suppressed = await suppressedChannels(ctx, message, policy);
  if (suppressed.size === 0) return decision;
  return decide({ ...ruled, isSuppressed: (channel) => suppressed.has(channel) });
}

/** The address HMAC each channel of the route reaches the recipient at. */
function addressesOf(ctx: RulesContext, message: MessageRecord): Map<Channel, string> {
  const addresses = new Map<Channel, string>();
  for (const { channel } of message.route.steps) {
    const kind = CHANNEL_ADDRESS[channel];
    if (kind === 'phone' && message.phoneHmac) addresses.set(channel, message.phoneHmac);
    else if (kind === 'lineUserId' && message.lineUserId) {
      addresses.set(channel, addressHmac(ctx.config.secret, kind, message.lineUserId));
    } else if (kind === 'email' && message.email) {
      addresses.set(channel, addressHmac(ctx.config.secret, kind, message.email));
    }
  }
  return addresses;
}

async function suppressedChannels(
  ctx: RulesContext,
  message: MessageRecord,
  policy: PurposePolicy | undefined,
): Promise<Set<Channel>> {
  const suppressed = new Set<Channel>();
  const addresses = addressesOf(ctx, message);
  if (addresses.size === 0) return suppressed;
  const cls = purposeClass(policy ?? { promotional: false });
  for (const s of await ctx.store.findSuppressions([...new Set(addresses.values())])) {
    if (s.purposeClass === cls && addresses.get(s.channel) === s.addressHmac) suppressed.add(s.channel);
  }
  return suppressed;
}

async function recordOptOuts(
  ctx: RulesContext,
  message: MessageRecord,
  attempts: readonly AttemptRecord[],
): Promise<void> {
  if (!message.phoneHmac || !message.phone) return;
  const optOut = attempts.find((a) => a.channel === 'sms' && isSmsOptOut(a.provider, a.errorCode));
  if (!optOut) return;
  const record: SuppressionRecord = {
    id: ctx.newId(),
    addressHmac: message.phoneHmac,
    addressHint: addressHint('phone', message.phone),
    channel: 'sms',
    purposeClass: 'promotional',
    reason: 'sms_opt_out',
    source: `${optOut.errorCode} on attempt ${optOut.id} (${optOut.account})`,
    createdAt: ctx.clock.now(),
  };
  if ((await ctx.store.addSuppressions([record])) > 0) {
    ctx.logger.info(
      { messageId: message.id, attemptId: optOut.id, code: optOut.errorCode },
      'recipient opted out of SMS: promotional SMS to this number is suppressed from now on',
    );
  }
}
