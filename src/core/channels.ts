/** Delivery channels, in the vocabulary of DESIGN §2. */
export const CHANNELS = ['line_pnp', 'line_push', 'sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}
