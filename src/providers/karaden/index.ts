import { z } from 'zod';
import type { ProviderDefinition } from '../provider.js';
import { createKaradenClient, type KaradenAccount } from './client.js';
import { parseKaradenWebhook } from './receipts.js';

export type { KaradenAccount } from './client.js';
export type { KaradenReceipt } from './receipts.js';

/** SMS through 空電プッシュ (Karaden API), a domestic gateway that bills per carrier unit. */
export const karadenProvider: ProviderDefinition<KaradenAccount> = {
  id: 'karaden',
  displayName: '空電プッシュ (Karaden SMS)',
  channels: ['sms'],
  defaultBaseUrl: 'https://prg.karaden.jp/api',
  accountSchema: z.object({
    token: z.string().min(1),
    tenantId: z.guid('must be the tenant ID (a UUID)'),
    /** A number; a string of digits (from `${ENV}` substitution) is read as one. */
    serviceId: z.coerce.number().int().positive(),
    /** Shared secret in the callback URL (`?token=…`), since Karaden does not sign its callbacks. */
    callbackToken: z.string().min(16, 'use at least 16 characters').optional(),
  }),
  secretFields: ['token', 'callbackToken'],
  createClient: (account, deps) => createKaradenClient(account, deps),
  parseWebhook: (account, request) => parseKaradenWebhook(account, request),
};
