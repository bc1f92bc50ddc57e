import type { FastifyPluginAsync } from 'fastify';
import { populationSchema, toPopulation, type Population } from './population.js';
import { describe, problem } from './problem.js';

export interface PopulationControl {
  getPopulation(): Population;
  /** Null returns to the defaults. */
  setPopulation(population: Population | null): Population;
}

/**
 * `/__sandbox/population`: the shares of behaviours numbers nobody configured are drawn from. Stored, so it
 * outlives a restart; DELETE returns to the defaults (everyone receives everything).
 */
export function populationRoutes(control: PopulationControl): FastifyPluginAsync {
  return async (app) => {
    app.put('/__sandbox/population', async (req, reply) => {
      const spec = populationSchema.safeParse(req.body ?? {});
      if (!spec.success) return problem(reply, 400, 'invalid_population', describe(spec.error));
      return control.setPopulation(toPopulation(spec.data));
    });

    app.get('/__sandbox/population', async () => control.getPopulation());

    app.delete('/__sandbox/population', async (_req, reply) => {
      control.setPopulation(null);
      return reply.code(204).send();
    });
  };
}
