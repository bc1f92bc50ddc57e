import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { normalizePhone } from '../../core/phone.js';
import type { MessageFilter } from '../../store/store.js';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../create-app.js';
import { ListQuery, MessageParams } from '../message-body.js';
import { MessageListView, MessageView, messageSummary, messageView } from '../message-view.js';

export const messageNotFound = (id: string) =>
  new ApiError(404, 'message_not_found', `メッセージ "${id}" は見つかりません / No message with id "${id}"`);

/** GET /v1/messages/{id} and GET /v1/messages. */
export const readMessageRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const { store } = deps;

  app.get(
    '/v1/messages/:id',
    {
      schema: {
        summary: 'A message with its attempts and events',
        security: [{ bearer: [] }],
        params: MessageParams,
        response: { 200: MessageView },
      },
    },
    async (request) => {
      const { id } = request.params;
      const message = await store.getMessage(id);
      if (!message) throw messageNotFound(id);
      const [attempts, events] = await Promise.all([store.listAttempts(id), store.listEvents(id)]);
      return messageView(message, attempts, events);
    },
  );

  app.get(
    '/v1/messages',
    {
      schema: {
        summary: 'Messages, newest first',
        security: [{ bearer: [] }],
        querystring: ListQuery,
        response: { 200: MessageListView },
      },
    },
    async (request) => {
      const q = request.query;
      const filter: MessageFilter = { limit: q.limit };
      if (q.status !== undefined) filter.status = q.status;
      if (q.purpose !== undefined) filter.purpose = q.purpose;
      if (q.campaign !== undefined) filter.campaignId = q.campaign;
      if (q.from !== undefined) filter.createdFrom = Date.parse(q.from);
      if (q.to !== undefined) filter.createdTo = Date.parse(q.to);
      if (q.cursor !== undefined) filter.beforeId = q.cursor;
      if (q.phone !== undefined) {
        const phone = normalizePhone(q.phone);
        if (phone.ok || phone.code === 'not_sms_capable') filter.phone = phone.e164;
        else {
          throw new ApiError(
            422,
            'invalid_phone',
            `電話番号の形式が正しくありません / The phone number is not valid: ${JSON.stringify(q.phone)}`,
          );
        }
      }
      const messages = await store.listMessages(filter);
      const last = messages.at(-1);
      return {
        items: messages.map(messageSummary),
        nextCursor: messages.length === q.limit && last ? last.id : null,
      };
    },
  );
};
