import { z } from 'zod';
import type { ProviderDefinition } from '../provider.js';
import { createTwilioClient, type TwilioAccount } from './client.js';
import { parseTwilioWebhook } from './receipts.js';

export type { TwilioAccount } from './client.js';

/** E.164 (+ and up to 15 digits), or an alphanumeric sender ID (up to 11 letters, digits and spaces). */
const SENDER = /^(\+[1-9]\d{1,14}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11})$/;

/** SMS through Twilio Programmable Messaging. */
export const twilioProvider: ProviderDefinition<TwilioAccount> = {
  id: 'twilio',
  displayName: 'Twilio SMS',
  channels: ['sms'],
  defaultBaseUrl: 'https://api.twilio.com',
  accountSchema: z
    .object({
      accountSid: z.string().min(1),
      /** Signs Basic auth for sends and keys the X-Twilio-Signature of callbacks. */
      authToken: z.string().min(1),
      from: z.string().regex(SENDER, 'must be an E.164 number or an alphanumeric sender ID').optional(),
      messagingServiceSid: z
        .string()
        .regex(/^MG[0-9a-fA-F]{32}$/, 'must be MG followed by 32 hexadecimal digits')
        .optional(),
    })
    .refine((a) => a.from !== undefined || a.messagingServiceSid !== undefined, {
      message: 'set from or messagingServiceSid',
      path: ['from'],
    }),
  secretFields: ['authToken'],
  createClient: (account, deps) => createTwilioClient(account, deps),
  parseWebhook: (account, request) => parseTwilioWebhook(account.authToken, request),
};
