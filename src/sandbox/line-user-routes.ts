import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { changeFollow, type LineFollowDeps } from './line-follow.js';
import { LINE_USER_STATES, lineUserIdSchema } from './line-users.js';
import { describe, problem } from './problem.js';

const userParams = z.object({ userId: lineUserIdSchema });
const actionParams = userParams.extend({ action: z.enum(['follow', 'unfollow']) });
const stateBody = z.strictObject({ state: z.enum(LINE_USER_STATES) });

/**
 * Control routes of LINE users (push messages), under /__sandbox/line/users:
 * - GET /__sandbox/line/users, GET …/{userId}: the configured users and their state;
 * - PUT …/{userId} `{ "state": "follows" | "blocked" | "unknown" }`: sets how pushes to the user behave, quietly
 *   (no webhook), to set a scene up;
 * - POST …/{userId}/follow, …/{userId}/unfollow: the user adds or blocks the account, and the follow or unfollow
 *   event goes to every configured channel's webhook, signed like delivery events.
 */
export function lineUserRoutes(deps: LineFollowDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/__sandbox/line/users', async () => ({ items: deps.users.list() }));

    app.get<{ Params: { userId: string } }>('/__sandbox/line/users/:userId', async (req, reply) => {
      const params = userParams.safeParse(req.params);
      if (!params.success) return problem(reply, 400, 'invalid_user_id', describe(params.error));
      return { userId: params.data.userId, state: deps.users.get(params.data.userId) };
    });

    app.put<{ Params: { userId: string } }>('/__sandbox/line/users/:userId', async (req, reply) => {
      const params = userParams.safeParse(req.params);
      if (!params.success) return problem(reply, 400, 'invalid_user_id', describe(params.error));
      const body = stateBody.safeParse(req.body ?? {});
      if (!body.success) return problem(reply, 400, 'invalid_state', describe(body.error));
      deps.users.set(params.data.userId, body.data.state);
      return { userId: params.data.userId, state: body.data.state };
    });

    app.post<{ Params: { userId: string; action: string } }>(
      '/__sandbox/line/users/:userId/:action',
      async (req, reply) => {
        const params = actionParams.safeParse(req.params);
        if (!params.success) return problem(reply, 400, 'invalid_request', describe(params.error));
        return changeFollow(deps, params.data.userId, params.data.action);
      },
    );
  };
}
