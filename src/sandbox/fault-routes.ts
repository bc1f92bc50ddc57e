import type { FastifyPluginAsync } from 'fastify';
import type { FaultBoard } from './fault-board.js';
import { faultSpecSchema } from './fault-spec.js';
import { describe, problem } from './problem.js';

/**
 * `/__sandbox/faults`: add a fault (201 with its id), list those in force, end one or all. Faults live in memory:
 * a restart of the sandbox ends them.
 */
export function faultRoutes(board: FaultBoard): FastifyPluginAsync {
  return async (app) => {
    app.post('/__sandbox/faults', async (req, reply) => {
      const spec = faultSpecSchema.safeParse(req.body ?? {});
      if (!spec.success) return problem(reply, 400, 'invalid_fault', describe(spec.error));
      return reply.code(201).send(board.add(spec.data));
    });

    app.get('/__sandbox/faults', async () => ({ items: board.list() }));

    app.delete('/__sandbox/faults', async (_req, reply) => {
      board.clear();
      return reply.code(204).send();
    });

    app.delete<{ Params: { id: string } }>('/__sandbox/faults/:id', async (req, reply) => {
      if (!board.remove(req.params.id)) {
        return problem(reply, 404, 'unknown_fault', `no fault ${req.params.id} in force`);
      }
      return reply.code(204).send();
    });
  };
}
