import { createHmac } from 'node:crypto';
import type { Channel } from './channels.js';
import { phoneHmac } from './phone.js';

/** Which address of the recipient a channel reaches them by. */
export type AddressKind = 'phone' | 'lineUserId' | 'email';

export const CHANNEL_ADDRESS: Readonly<Record<Channel, AddressKind>> = {
  line_pnp: 'phone',
  sms: 'phone',
  line_push: 'lineUserId',
  email: 'email',
};

/** Channels an address of each kind can be suppressed on. */
export const ADDRESS_CHANNELS: Readonly<Record<AddressKind, readonly Channel[]>> = {
  phone: ['sms', 'line_pnp'],
  lineUserId: ['line_push'],
  email: ['email'],
};

/**
 * The key a suppression is stored under: for a phone number (E.164) the same HMAC messages carry, so the engine
 * looks a message's number up without recomputing it; for LINE user IDs and e-mail addresses (lower-cased) an
 * HMAC of the address tagged with its kind, so no two kinds can collide.
 */
export function addressHmac(secret: string, kind: AddressKind, address: string): string {
  if (kind === 'phone') return phoneHmac(secret, address);
  const tagged = kind === 'email' ? `email:${address.trim().toLowerCase()}` : `line:${address}`;
  return createHmac('sha256', secret).update(tagged).digest('hex');
}

/** Enough of an address for a person to recognise it in a list, not enough to contact anyone. */
export function addressHint(kind: AddressKind, address: string): string {
  if (kind === 'phone') {
    const country = address.startsWith('+81') ? '+81' : address.slice(0, 3);
    return `${country} ****-${address.slice(-4)}`;
  }
  if (kind === 'lineUserId') return `${address.slice(0, 1)}…${address.slice(-4)}`;
  const at = address.lastIndexOf('@');
  return at > 0 ? `${address.slice(0, 1)}***${address.slice(at)}` : '***';
}

/**
 * Provider answers meaning the person opted out of SMS from this sender (Twilio 21610: they replied STOP). The
 * engine records an SMS suppression for promotional messages on seeing one. Transactional messages are not
 * suppressed: the opt-out holds for that sender only, the provider keeps refusing while it lasts (the route moves
 * on at once and costs nothing), and it ends when the person replies START, which todoke is not told about.
 */
export function isSmsOptOut(provider: string, errorCode: string | null): boolean {
  return errorCode === 'twilio_21610' || (provider === 'twilio' && errorCode === '21610');
}
