import { lineSignature } from './signatures.js';
import type { LineChannel, OutboxRow } from './store.js';
import type { JobRenderer } from './webhook-sender.js';

/** What a LINE delivery job carries until its webhook is sent (jobs stored before `type` existed have none). */
export interface LineDeliveryPayload {
  type?: 'delivery';
  /** `delivery.data`: the X-Line-Delivery-Tag, or the hashed number when the request had no tag. */
  data: string;
  /** Kept across redeliveries, so the receiver can de-duplicate. */
  webhookEventId: string;
  /** When the message reached the user (ms). */
  timestamp: number;
}

/** A user added the account as a friend (or unblocked it), or blocked it. */
export interface LineFollowPayload {
  type: 'follow' | 'unfollow';
  userId: string;
  webhookEventId: string;
  timestamp: number;
  /** follow only: whether the user unblocked the account rather than adding it for the first time. */
  isUnblocked?: boolean;
  /** follow only: LINE lets the account reply to a follow. */
  replyToken?: string;
}

/** A push message that reached its user: only its ledger entry matters, push has no delivery event. */
export interface LinePushPayload {
  type: 'push';
}

export type LineJobPayload = LineDeliveryPayload | LineFollowPayload | LinePushPayload;

/** LINE does not document its redelivery schedule; this keeps trying for about 12 minutes. */
const LINE_MAX_ATTEMPTS = 20;
/** LINE may put several events in one webhook request; receivers must handle any number. */
const LINE_EVENTS_PER_REQUEST = 100;

/** The webhook event object of one job, or null for a job that sends none (a push). */
function eventOf(job: OutboxRow): object | null {
  const p = job.payload as LineJobPayload;
  const common = { deliveryContext: { isRedelivery: job.attempts > 0 }, mode: 'active' };
  switch (p.type) {
    case 'push':
      return null;
    case 'follow':
    case 'unfollow':
      return {
        type: p.type,
        ...(p.type === 'follow' ? { replyToken: p.replyToken, follow: { isUnblocked: p.isUnblocked } } : {}),
        source: { type: 'user', userId: p.userId },
        webhookEventId: p.webhookEventId,
        timestamp: p.timestamp,
        ...common,
      };
    default:
      return {
        type: 'delivery',
        delivery: { data: p.data },
        webhookEventId: p.webhookEventId,
        deliveryContext: common.deliveryContext,
        timestamp: p.timestamp,
        mode: common.mode,
      };
  }
}

/**
 * Webhooks of a LINE channel, as LINE sends them: JSON signed with the channel secret in `x-line-signature`; a
 * redelivered event keeps its webhookEventId and says `isRedelivery: true`. Delivery completion events of
 * notification messages, and follow/unfollow events of users. The channel is looked up when sending, so a channel
 * whose webhook URL changed gets its pending events there. Push jobs carry no event: a batch of only those sends
 * nothing (their ledger entries were written when they came due).
 */
export function lineWebhookRenderer(channels: ReadonlyMap<string, LineChannel>): JobRenderer {
  return {
    batchSize: LINE_EVENTS_PER_REQUEST,
    maxAttempts: LINE_MAX_ATTEMPTS,
    render(accessToken: string, jobs: readonly OutboxRow[]) {
      const channel = channels.get(accessToken);
      if (channel === undefined) return null;
      const events = jobs.map(eventOf).filter((e) => e !== null);
      if (events.length === 0) return null;
      const body = JSON.stringify({ destination: channel.botUserId, events });
      return {
        url: channel.webhookUrl,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'LineBotWebhook/2.0',
          'x-line-signature': lineSignature(channel.channelSecret, body),
        },
        body,
      };
    },
  };
}
