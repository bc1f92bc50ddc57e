import { z } from 'zod';
import type { SettingsTable } from './settings-table.js';

/**
 * What LINE does with a push message to a user ID:
 * - follows: a friend of the account; the message is in their chat at once (and in the ledger). The default for
 *   any well-formed user ID nobody configured, as an unconfigured number is a LINE user.
 * - blocked: blocked the account (unfollowed). LINE still answers 200 and counts the request as accepted
 *   (its retry-key docs say so): nothing arrives, nothing is in the ledger.
 * - unknown: no user of this channel's provider (a made-up ID, or one from another provider): 400.
 */
export const LINE_USER_STATES = ['follows', 'blocked', 'unknown'] as const;
export type LineUserState = (typeof LINE_USER_STATES)[number];

/** A LINE user ID: U and 32 lowercase hex digits. */
export const LINE_USER_ID = /^U[0-9a-f]{32}$/;
export const lineUserIdSchema = z.string().regex(LINE_USER_ID, 'must be a LINE user ID: U and 32 hex digits');

/** Name of the user states in the sandbox's settings. */
const SETTING = 'line_users';

/**
 * Per-user behaviour of push messages, in memory for the request path and, when given a settings table, kept
 * across restarts (one JSON object: the sandbox holds a handful of configured users, not a population).
 */
export class LineUsers {
  private readonly states: Map<string, LineUserState>;

  constructor(private readonly settings?: SettingsTable) {
    const saved = settings?.get(SETTING) as Record<string, LineUserState> | undefined;
    this.states = new Map(Object.entries(saved ?? {}));
  }

  get(userId: string): LineUserState {
    return this.states.get(userId) ?? 'follows';
  }

  /** Sets a user's state; returns the state it had before. */
  set(userId: string, state: LineUserState): LineUserState {
    const before = this.get(userId);
    this.states.set(userId, state);
    this.settings?.set(SETTING, Object.fromEntries(this.states));
    return before;
  }

  /** Every configured user with its state. */
  list(): { userId: string; state: LineUserState }[] {
    return [...this.states].map(([userId, state]) => ({ userId, state }));
  }
}
