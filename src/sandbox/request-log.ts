import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { FAULT_PROVIDERS, type FaultProvider } from './fault-spec.js';

/** Kept per provider; beyond it the oldest arrivals are dropped, so a long run cannot exhaust memory. */
const MAX_PER_PROVIDER = 1_000_000;

const query = z.object({
  provider: z.enum(FAULT_PROVIDERS),
  /** Only arrivals at or after this moment (ms since the epoch). */
  since: z.coerce.number().optional(),
});

/**
 * When each POST reached an emulator (ms since the epoch, sub-millisecond), as the provider would see it: the
 * ledger stamps delivery, not arrival, and rate limits are about arrival. Taken from the Node server's `request`
 * event, before any routing, so refused and failed requests count too, as they do at the real provider. In memory
 * only: a restart of the sandbox starts an empty log.
 *
 * `GET /__sandbox/requests?provider=line|twilio|karaden|vonage[&since=ms]` → `{"provider","count","at":[…]}`,
 * oldest first; `DELETE /__sandbox/requests` clears every log.
 */
export function withRequestLog(
  servers: Record<FaultProvider, FastifyInstance>,
  control: FastifyPluginAsync,
): FastifyPluginAsync {
  const log = Object.fromEntries(FAULT_PROVIDERS.map((p) => [p, [] as number[]])) as unknown as Record<
    FaultProvider,
    number[]
  >;
  for (const provider of FAULT_PROVIDERS) {
    servers[provider].server.prependListener('request', (req: { method?: string }) => {
      if (req.method !== 'POST') return;
      const arrivals = log[provider];
      arrivals.push(performance.timeOrigin + performance.now());
      if (arrivals.length > MAX_PER_PROVIDER) arrivals.splice(0, arrivals.length - MAX_PER_PROVIDER);
    });
  }
  return async (app) => {
    await app.register(control);
    app.get('/__sandbox/requests', async (req, reply) => {
      const parsed = query.safeParse(req.query);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        const body = {
          type: 'about:blank',
          title: 'Bad Request',
          status: 400,
          detail,
          code: 'invalid_query',
        };
        return reply.code(400).type('application/problem+json').send(JSON.stringify(body));
      }
      const { provider, since } = parsed.data;
      const all = log[provider];
      const at = since === undefined ? all : all.filter((t) => t >= since);
      return { provider, count: at.length, at };
    });
    app.delete('/__sandbox/requests', async (_req, reply) => {
      for (const provider of FAULT_PROVIDERS) log[provider].length = 0;
      return reply.code(204).send();
    });
  };
}
