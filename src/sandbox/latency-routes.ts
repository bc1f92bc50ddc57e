import type { FastifyPluginAsync } from 'fastify';
import { latencyUpdateSchema, type LatencyTable } from './latency.js';
import { describe, problem } from './problem.js';

/** `/__sandbox/latency`: how long each emulator takes to answer. In memory; DELETE answers at once again. */
export function latencyRoutes(latency: LatencyTable): FastifyPluginAsync {
  return async (app) => {
    app.put('/__sandbox/latency', async (req, reply) => {
      const update = latencyUpdateSchema.safeParse(req.body ?? {});
      if (!update.success) return problem(reply, 400, 'invalid_latency', describe(update.error));
      return latency.set(update.data);
    });

    app.get('/__sandbox/latency', async () => latency.get());

    app.delete('/__sandbox/latency', async (_req, reply) => {
      latency.reset();
      return reply.code(204).send();
    });
  };
}
