import type { Channel } from './channels.js';

export interface ReachabilityMemory {
  channel: Channel;
  outcome: 'reachable' | 'unreachable';
  at: number;
}

/**
 * A number the channel definitely could not reach recently (e.g. LINE answered 422: no LINE user, or refused)
 * skips that channel and goes straight to the next step: faster for the person, cheaper for the sender.
 */
export function isKnownUnreachable(memory: ReachabilityMemory | null, now: number, ttlMs: number): boolean {
  return memory !== null && memory.outcome === 'unreachable' && now - memory.at < ttlMs;
}

/** Channels whose "unreachable" answer is about the person, not the request, and so is worth remembering. */
export const REMEMBERED_CHANNELS: readonly Channel[] = ['line_pnp', 'line_push'];
