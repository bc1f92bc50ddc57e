import { z } from 'zod';
import type { FaultProvider } from './fault-spec.js';

/** Answers take between minMs and maxMs, uniformly drawn; 0 and 0 answer at once. */
export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

export type Latency = Record<FaultProvider, LatencyRange>;

/** A minute: longer than any client waits for an answer, so anything beyond is a typo. */
const MAX_LATENCY_MS = 60_000;

const range = z
  .strictObject({
    minMs: z.number().int().min(0).max(MAX_LATENCY_MS),
    maxMs: z.number().int().min(0).max(MAX_LATENCY_MS),
  })
  .refine((r) => r.minMs <= r.maxMs, { message: 'minMs must not exceed maxMs', path: ['maxMs'] });

/** Body of PUT /__sandbox/latency: a provider left out keeps its latency. */
export const latencyUpdateSchema = z.strictObject({ line: range.optional(), twilio: range.optional() });
export type LatencyUpdate = z.infer<typeof latencyUpdateSchema>;

const NONE: LatencyRange = { minMs: 0, maxMs: 0 };

/**
 * How long each emulator takes to answer, in memory like the faults. The default is to answer at once: benchmarks
 * measure todoke, not a simulated network, and rely on it.
 */
export class LatencyTable {
  private current: Latency = { line: NONE, twilio: NONE };

  constructor(private readonly random: () => number = Math.random) {}

  get(): Latency {
    return { line: { ...this.current.line }, twilio: { ...this.current.twilio } };
  }

  set(update: LatencyUpdate): Latency {
    this.current = { line: update.line ?? this.current.line, twilio: update.twilio ?? this.current.twilio };
    return this.get();
  }

  reset(): Latency {
    return this.set({ line: NONE, twilio: NONE });
  }

  /** The latency of one answer; 0 (no timer at all) unless a latency is set. */
  draw(provider: FaultProvider): number {
    const { minMs, maxMs } = this.current[provider];
    if (maxMs === 0) return 0;
    return minMs + Math.floor(this.random() * (maxMs - minMs + 1));
  }
}
