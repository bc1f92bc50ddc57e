import { z } from 'zod';
import type { ProviderDefinition } from '../provider.js';
import { createLineClient, type LineAccount } from './client.js';
import { parseLineWebhook } from './receipts.js';

export type { LineAccount } from './client.js';
export { hashPhoneForLine } from './client.js';

/** LINE notification messages (PNP, flexible), addressed by hashed phone number. */
export const lineProvider: ProviderDefinition<LineAccount> = {
  id: 'line',
  displayName: 'LINE notification messages',
  channels: ['line_pnp'],
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
