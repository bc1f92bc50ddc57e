import { z } from 'zod';
import type { ProviderDefinition } from '../provider.js';
import { createLineClient, type LineAccount } from './client.js';
import { parseLineWebhook } from './receipts.js';

export type { LineAccount } from './client.js';
export { hashPhoneForLine } from './client.js';
export { retryKeyFor } from './retry-key.js';

/**
 * A LINE Messaging API channel: notification messages (PNP, flexible or template) by hashed phone number, and
 * push messages to the user IDs of people who added the account as a friend. One channel serves both, with one
 * access token and one webhook (delivery events, follow and unfollow).
 */
export const lineProvider: ProviderDefinition<LineAccount> = {
  id: 'line',
  displayName: 'LINE (notification messages and push)',
  channels: ['line_pnp', 'line_push'],
  defaultBaseUrl: 'https://api.line.me',
  accountSchema: z.object({
    /** Long-lived channel access token of the Messaging API channel. */
    channelAccessToken: z.string().min(1),
    /** Channel secret: the key of the webhook signature. */
    channelSecret: z.string().min(1),
  }),
  secretFields: ['channelAccessToken', 'channelSecret'],
  createClient: (account, deps) => createLineClient(account, deps),
  parseWebhook: (account, request) => parseLineWebhook(account.channelSecret, request),
};
