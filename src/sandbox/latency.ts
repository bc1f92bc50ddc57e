import { z } from 'zod';
import { FAULT_PROVIDERS, type FaultProvider } from './fault-spec.js';

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
export const latencyUpdateSchema = z.strictObject({
  line: range.optional(),
  twilio: range.optional(),
  karaden: range.optional(),
  vonage: range.optional(),
});
export type LatencyUpdate = z.infer<typeof latencyUpdateSchema>;

const NONE: LatencyRange = { minMs: 0, maxMs: 0 };

function everyProvider(range: (p: FaultProvider) => LatencyRange): Latency {
  return Object.fromEntries(FAULT_PROVIDERS.map((p) => [p, { ...range(p) }])) as unknown as Latency;
}

/**
 * How long each emulator takes to answer, in memory like the faults. The default is to answer at once: benchmarks
 * measure todoke, not a simulated network, and rely on it.
 */
export class LatencyTable {
  private current: Latency = everyProvider(() => NONE);

  constructor(private readonly random: () => number = Math.random) {}

  get(): Latency {
    return everyProvider((p) => this.current[p]);
  }

  set(update: LatencyUpdate): Latency {
    this.current = everyProvider((p) => update[p] ?? this.current[p]);
    return this.get();
  }

  reset(): Latency {
    this.current = everyProvider(() => NONE);
    return this.get();
  }

  /** The latency of one answer; 0 (no timer at all) unless a latency is set. */
  draw(provider: FaultProvider): number {
    const { minMs, maxMs } = this.current[provider];
    if (maxMs === 0) return 0;
    return minMs + Math.floor(this.random() * (maxMs - minMs + 1));
  }
}
