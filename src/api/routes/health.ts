import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../create-app.js';

/** /healthz (the process answers), /readyz (the store answers and the engine runs), /metrics (Prometheus). */
export const healthRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { store, metrics } = deps;
  const hidden = { schema: { hide: true } as object };

  app.get('/healthz', hidden, async () => ({ status: 'ok' }));

  app.get('/readyz', hidden, async (request, reply) => {
    let storeOk = true;
    try {
      // A primary-key lookup: proves the store answers without scanning anything.
      await store.getMessage('readyz');
    } catch (error) {
      request.log.warn({ err: error }, 'store not ready');
      storeOk = false;
    }
    const engineOk = deps.ready?.() ?? true;
    const ready = storeOk && engineOk;
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not_ready', store: storeOk, engine: engineOk });
  });

  app.get('/metrics', hidden, async (request, reply) => {
    try {
      const counts = await store.countMessagesByStatus();
      for (const [status, n] of Object.entries(counts)) metrics.queueDepth.set({ status }, n);
    } catch (error) {
      request.log.warn({ err: error }, 'queue depth not available');
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
};
