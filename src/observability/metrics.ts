import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Everything todoke counts, exposed at /metrics. Each instance has its own registry, so tests can make many. */
export interface Metrics {
  registry: Registry;
  /** Messages durably accepted through the API. */
  accepted: Counter;
  /** Provider requests, by their outcome kind (accepted, delivered, unreachable, retryable, …). */
  attempts: Counter<'channel' | 'provider' | 'outcome'>;
  /** Moves from one route step to the next, e.g. from=line_pnp to=sms. */
  fallbacks: Counter<'from' | 'to'>;
  /** Receipts applied, by what they said. */
  receipts: Counter<'provider' | 'status'>;
  /** Inbound webhook calls, by result: accepted, invalid_signature, malformed, unknown_account. */
  webhooks: Counter<'provider' | 'result'>;
  /** Messages per status. */
  queueDepth: Gauge<'status'>;
  /** Time from request to provider answer, in seconds. */
  sendLatency: Histogram<'channel' | 'provider'>;
  /** 1 while an account's circuit is open (monthly limit, bad credentials), else 0. */
  circuitOpen: Gauge<'account'>;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC). Default true. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'todoke_' });
  const registers = [registry];
  return {
    registry,
    accepted: new Counter({ name: 'todoke_messages_accepted_total', help: 'Messages accepted', registers }),
    attempts: new Counter({
      name: 'todoke_attempts_total',
      help: 'Provider requests by outcome',
      labelNames: ['channel', 'provider', 'outcome'],
      registers,
    }),
    fallbacks: new Counter({
      name: 'todoke_fallbacks_total',
      help: 'Moves to the next route step',
      labelNames: ['from', 'to'],
      registers,
    }),
    receipts: new Counter({
      name: 'todoke_receipts_total',
      help: 'Provider receipts applied',
      labelNames: ['provider', 'status'],
      registers,
    }),
    webhooks: new Counter({
      name: 'todoke_webhooks_total',
      help: 'Inbound provider webhook calls',
      labelNames: ['provider', 'result'],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'todoke_queue_depth',
      help: 'Messages per status',
      labelNames: ['status'],
      registers,
    }),
    sendLatency: new Histogram({
      name: 'todoke_send_latency_seconds',
      help: 'Time from a provider request to its answer',
      labelNames: ['channel', 'provider'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    circuitOpen: new Gauge({
      name: 'todoke_circuit_open',
      help: '1 while an account circuit is open',
      labelNames: ['account'],
      registers,
    }),
  };
}
