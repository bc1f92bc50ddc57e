import { randomBytes } from 'node:crypto';
import { fastUlid } from './fast-random.js';
import type { LineUsers, LineUserState } from './line-users.js';
import type { LineFollowPayload } from './line-webhook.js';
import type { MarkedJob } from './receipt-faults.js';
import type { LineChannel } from './store.js';
import type { WebhookSender } from './webhook-sender.js';

export interface LineFollowDeps {
  users: LineUsers;
  channels: ReadonlyMap<string, LineChannel>;
  sender: WebhookSender;
}

/**
 * A user adds the account as a friend (`follow`: again after blocking it, `isUnblocked: true`) or blocks it
 * (`unfollow`), as people do in the LINE app: their push behaviour changes, and each configured channel's webhook
 * gets the event (signed, redelivered until answered, like delivery events). The events are stored before this
 * resolves. The sandbox has one set of users for all its channels, so every channel hears of it.
 */
export async function changeFollow(
  deps: LineFollowDeps,
  userId: string,
  action: 'follow' | 'unfollow',
): Promise<{ userId: string; state: LineUserState; events: number }> {
  const state: LineUserState = action === 'follow' ? 'follows' : 'blocked';
  const before = deps.users.set(userId, state);
  const now = Date.now();
  const jobs: MarkedJob[] = [...deps.channels.keys()].map((accessToken) => {
    const payload: LineFollowPayload = {
      type: action,
      userId,
      webhookEventId: fastUlid(now),
      timestamp: now,
    };
    if (action === 'follow') {
      payload.isUnblocked = before === 'blocked';
      payload.replyToken = randomBytes(16).toString('hex');
    }
    return { kind: 'line', account: accessToken, dueAt: now, payload, ledger: null };
  });
  if (jobs.length > 0) await deps.sender.enqueue(jobs);
  return { userId, state, events: jobs.length };
}
