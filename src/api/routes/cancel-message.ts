import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isFinalMessageStatus } from '../../core/message-states.js';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../create-app.js';
import { MessageParams } from '../message-body.js';
import { MessageView, messageView } from '../message-view.js';
import { messageNotFound } from './read-messages.js';

/** The engine may change the message between our read and our write; each retry re-reads it. */
const MAX_TRIES = 20;

/** POST /v1/messages/{id}/cancel: stops a message that is not final yet. */
export const cancelMessageRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const { store, clock } = deps;

  app.post(
    '/v1/messages/:id/cancel',
    {
      schema: {
        summary: 'Cancel a message that is not final yet',
        description: 'An attempt already in flight may still be delivered; no further attempt is made.',
        security: [{ bearer: [] }],
        params: MessageParams,
        response: { 200: MessageView },
      },
    },
    async (request) => {
      const { id } = request.params;
      for (let tries = 0; tries < MAX_TRIES; tries++) {
        const message = await store.getMessage(id);
        if (!message) throw messageNotFound(id);
        if (isFinalMessageStatus(message.status)) {
          throw new ApiError(
            409,
            'message_final',
            `メッセージは既に完了しています (${message.status}) / The message is already ${message.status} and cannot be canceled`,
            { messageStatus: message.status },
          );
        }
        const done = await store.commit({
          message: {
            id,
            expectVersion: message.version,
            patch: { status: 'canceled', finalReason: 'canceled', nextRunAt: null },
          },
          events: [
            {
              messageId: id,
              attemptId: null,
              type: 'canceled',
              data: { apiKeyId: request.apiKey?.id ?? null },
              at: clock.now(),
            },
          ],
        });
        if (done) {
          const [canceled, attempts, events] = await Promise.all([
            store.getMessage(id),
            store.listAttempts(id),
            store.listEvents(id),
          ]);
          return messageView(canceled!, attempts, events);
        }
      }
      throw new Error(`message ${id} kept changing while being canceled`);
    },
  );
};
