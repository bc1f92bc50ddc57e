/** LINE keeps a retry key for 24 hours after the first request that used it. */
export const RETRY_KEY_TTL_MS = 24 * 3600 * 1000;

/** What LINE remembers of the request a retry key was first accepted with. */
export interface AcceptedRequest {
  requestId: string;
  /** The `sentMessages` of its 200 answer, which a 409 repeats. */
  sentMessages: { id: string; quoteToken: string }[];
  at: number;
}

/**
 * The X-Line-Retry-Key values each channel accepted in the last 24 hours. A key is taken the moment its request
 * is accepted (before the answer, so a resend racing a slow first answer gets 409 too) and given back if taking
 * the message fails. Held in memory: a restarted sandbox has forgotten the keys LINE would still know.
 */
export class RetryKeys {
  /** Insertion order is time order, so expired keys are always at the front. */
  private readonly accepted = new Map<string, AcceptedRequest>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The request accepted earlier with this key on this channel, if it is less than 24 hours old. */
  find(channel: string, key: string): AcceptedRequest | undefined {
    this.prune();
    return this.accepted.get(`${channel}\u0000${key.toLowerCase()}`);
  }

  take(channel: string, key: string, request: Omit<AcceptedRequest, 'at'>): void {
    this.accepted.set(`${channel}\u0000${key.toLowerCase()}`, { ...request, at: this.now() });
  }

  release(channel: string, key: string): void {
    this.accepted.delete(`${channel}\u0000${key.toLowerCase()}`);
  }

  private prune(): void {
    const cutoff = this.now() - RETRY_KEY_TTL_MS;
    for (const [key, request] of this.accepted) {
      if (request.at > cutoff) return;
      this.accepted.delete(key);
    }
  }
}
