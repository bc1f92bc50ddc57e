import { z } from 'zod';
import { DEFAULT_DELAY_MS, MAX_DELAY_MS } from './number-settings.js';

/**
 * What the SMTP emulator does with mail to this address:
 * - delivered: `250` after the message; it reaches the ledger at once.
 * - unknown_user: `550 5.1.1` at RCPT TO, as a server that knows its mailboxes answers.
 * - mailbox_full: `452 4.2.2` at RCPT TO: try again later.
 * - bounce_later: `250`, then after emailDelayMs a DSN (RFC 3464, `Action: failed`, `Status: 5.1.1`) goes to
 *   the sending account's bounce webhook, as an inbound relay would post it. Nothing reaches the ledger.
 */
export const EMAIL_BEHAVIOURS = ['delivered', 'unknown_user', 'mailbox_full', 'bounce_later'] as const;
export type EmailBehaviour = (typeof EMAIL_BEHAVIOURS)[number];

export interface EmailAddressSettings {
  email: EmailBehaviour;
  emailDelayMs: number;
}

/** Body of a control route that sets an address; unknown keys are refused so a typo is not silently ignored. */
export const emailAddressUpdateSchema = z.strictObject({
  email: z.enum(EMAIL_BEHAVIOURS).optional(),
  emailDelayMs: z.number().int().min(0).max(MAX_DELAY_MS).optional(),
});
export type EmailAddressUpdate = z.infer<typeof emailAddressUpdateSchema>;

/** A structurally plausible address (the same leniency as the client: carriers' `a..b.@` addresses exist). */
export const EMAIL_ADDRESS_PATTERN = /^[^\s<>@",;:\\()[\]]+@[^\s<>@",;:\\()[\]]+\.[^\s<>@",;:\\()[\].]+$/;

/** Settings per address, compared without case; an address nobody set is `delivered`. In memory. */
export class EmailAddressBook {
  private readonly stored = new Map<string, Partial<EmailAddressSettings>>();

  get(address: string): EmailAddressSettings {
    const stored = this.stored.get(address.toLowerCase());
    return { email: stored?.email ?? 'delivered', emailDelayMs: stored?.emailDelayMs ?? DEFAULT_DELAY_MS };
  }

  /** Merges the given fields into the address's settings and returns the effective settings. */
  set(address: string, update: EmailAddressUpdate): EmailAddressSettings {
    if (!EMAIL_ADDRESS_PATTERN.test(address)) throw new TypeError(`not an e-mail address: ${address}`);
    const parsed = emailAddressUpdateSchema.parse(update);
    const key = address.toLowerCase();
    const before = this.stored.get(key) ?? {};
    this.stored.set(key, {
      email: parsed.email ?? before.email,
      emailDelayMs: parsed.emailDelayMs ?? before.emailDelayMs,
    });
    return this.get(address);
  }

  list(): { address: string; settings: EmailAddressSettings }[] {
    return [...this.stored.keys()].map((address) => ({ address, settings: this.get(address) }));
  }
}
