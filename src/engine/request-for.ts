import type { Channel } from '../core/channels.js';
import type { SendRequest } from '../providers/provider.js';
import type { ChannelContent, AttemptRecord, MessageRecord } from '../store/records.js';
import type { EngineContext } from './engine-context.js';

/**
 * What the message says on one channel: its own content for the channel, else the message's text. A LINE
 * notification message given as a template carries it, and is sent as that template instead of text.
 */
export function textFor(m: MessageRecord, channel: Channel): ChannelContent {
  const content = m.content.channels?.[channel];
  return {
    text: content?.text ?? m.content.text ?? '',
    ...(content?.subject ? { subject: content.subject } : {}),
    ...(channel === 'line_pnp' && content?.pnpTemplate ? { pnpTemplate: content.pnpTemplate } : {}),
  };
}

/** The provider request for one attempt; receipts come back to this account's webhook URL. */
export function requestFor(
  ctx: EngineContext,
  m: MessageRecord,
  attempt: AttemptRecord,
  provider: string,
): SendRequest {
  return {
    attemptId: attempt.id,
    messageId: m.id,
    channel: attempt.channel,
    phone: m.phone,
    lineUserId: m.lineUserId,
    email: m.email,
    ...textFor(m, attempt.channel),
    callbackUrl: `${ctx.config.publicUrl}/webhooks/${provider}/${attempt.account}`,
  };
}
