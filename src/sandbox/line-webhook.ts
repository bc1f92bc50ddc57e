import { lineSignature } from './signatures.js';
import type { LineChannel, OutboxRow } from './store.js';
import type { JobRenderer } from './webhook-sender.js';

/** What a LINE delivery job carries until its webhook is sent. */
export interface LineDeliveryPayload {
  /** `delivery.data`: the X-Line-Delivery-Tag, or the hashed number when the request had no tag. */
  data: string;
  /** Kept across redeliveries, so the receiver can de-duplicate. */
  webhookEventId: string;
  /** When the message reached the user (ms). */
  timestamp: number;
}

/** LINE does not document its redelivery schedule; this keeps trying for about 12 minutes. */
const LINE_MAX_ATTEMPTS = 20;
/** LINE may put several events in one webhook request; receivers must handle any number. */
const LINE_EVENTS_PER_REQUEST = 100;

/**
 * Delivery completion events of LINE notification messages, as LINE sends them: JSON signed with the channel
 * secret in `x-line-signature`; a redelivered event keeps its webhookEventId and says `isRedelivery: true`.
 * The channel is looked up when sending, so a channel whose webhook URL changed gets its pending events there.
 */
export function lineWebhookRenderer(channels: ReadonlyMap<string, LineChannel>): JobRenderer {
  return {
    batchSize: LINE_EVENTS_PER_REQUEST,
    maxAttempts: LINE_MAX_ATTEMPTS,
    render(accessToken: string, jobs: readonly OutboxRow[]) {
      const channel = channels.get(accessToken);
      if (channel === undefined) return null;
      const events = jobs.map((job) => {
        const p = job.payload as LineDeliveryPayload;
        return {
          type: 'delivery',
          delivery: { data: p.data },
          webhookEventId: p.webhookEventId,
          deliveryContext: { isRedelivery: job.attempts > 0 },
          timestamp: p.timestamp,
          mode: 'active',
        };
      });
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
