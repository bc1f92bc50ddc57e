import { z } from 'zod';
import type { ProviderDefinition } from '../provider.js';
import { createEmailClient, looksLikeMailbox, STARTTLS_MODES, type EmailAccount } from './client.js';
import { parseEmailWebhook } from './receipts.js';

export type { EmailAccount, StarttlsMode } from './client.js';
export { bounceSignature, SIGNATURE_HEADER } from './receipts.js';

const address = z.string().refine(looksLikeMailbox, 'must be an e-mail address such as noreply@example.jp');

/**
 * E-mail over SMTP submission (any provider or your own MTA). The server is the account's `baseUrl`:
 * `smtp://host:587` (STARTTLS) or `smtps://host:465`. Acceptance by the server is not delivery: bounces come
 * back through an inbound-mail relay posting them to `/webhooks/email/{account}` (receipts.ts).
 */
export const emailProvider: ProviderDefinition<EmailAccount> = {
  id: 'email',
  displayName: 'E-mail (SMTP)',
  channels: ['email'],
  defaultBaseUrl: 'smtp://localhost:587',
  accountSchema: z
    .object({
      from: address,
      fromName: z.string().min(1).max(200).optional(),
      replyTo: address.optional(),
      returnPath: address.optional(),
      user: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
      starttls: z.enum(STARTTLS_MODES).optional(),
      heloName: z
        .string()
        .regex(/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, 'must be a host name or an address literal')
        .optional(),
      /** Shared secret of the bounce webhook; long enough not to be guessed. */
      webhookToken: z.string().min(16).optional(),
    })
    .refine((a) => (a.user === undefined) === (a.password === undefined), {
      message: 'set both user and password, or neither',
      path: ['password'],
    }),
  secretFields: ['password', 'webhookToken'],
  createClient: (account) => createEmailClient(account),
  parseWebhook: (account, request) => parseEmailWebhook(account.webhookToken, request),
};
