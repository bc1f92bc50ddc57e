import { z } from 'zod';
import type { ProviderDefinition } from '../provider.js';
import { createVonageClient, type VonageAccount } from './client.js';
import { parseVonageWebhook, VONAGE_SIGNATURE_METHODS } from './receipts.js';

export type { VonageAccount } from './client.js';

/** E.164 (with or without +), or an alphanumeric sender ID (up to 11 letters, digits and spaces). */
const SENDER = /^(\+?[1-9]\d{1,14}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11})$/;

/** SMS through the Vonage (formerly Nexmo) SMS API. */
export const vonageProvider: ProviderDefinition<VonageAccount> = {
  id: 'vonage',
  displayName: 'Vonage SMS',
  channels: ['sms'],
  defaultBaseUrl: 'https://rest.nexmo.com',
  accountSchema: z.object({
    apiKey: z.string().length(8, 'the API key has 8 characters'),
    apiSecret: z.string().min(6).max(32),
    from: z.string().regex(SENDER, 'must be an E.164 number or an alphanumeric sender ID'),
    /** The dashboard's signature secret: delivery receipts are then checked against it. */
    signatureSecret: z.string().min(1).optional(),
    signatureMethod: z.enum(VONAGE_SIGNATURE_METHODS).optional(),
  }),
  secretFields: ['apiSecret', 'signatureSecret'],
  createClient: (account, deps) => createVonageClient(account, deps),
  parseWebhook: (account, request) => parseVonageWebhook(account, request),
};
