import type { FastifyPluginAsync } from 'fastify';
import { applyContactEvents } from '../../engine/apply-receipts.js';
import { getProvider } from '../../providers/registry.js';
import { ApiError } from '../api-error.js';
import type { AppDeps } from '../create-app.js';

const asBuffer = (_request: unknown, body: Buffer, done: (error: null, body: Buffer) => void) =>
  done(null, body);

/**
 * POST /webhooks/{provider}/{account}: a provider telling us what became of a request. Signatures are computed
 * over the exact bytes received, so this scope keeps bodies raw. Receipts are stored durably and answered at
 * once (LINE allows 2 s); the engine applies them. What the provider says about people (LINE follow/unfollow)
 * is applied here, before the answer: a few small writes, durable once the provider hears 200.
 */
export const webhookRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { config, store, clock, metrics } = deps;
  const contacts = { store, secret: config.secret, logger: deps.logger, newId: deps.newId };
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/x-www-form-urlencoded'],
    { parseAs: 'buffer' },
    asBuffer,
  );
  app.addContentTypeParser('*', { parseAs: 'buffer' }, asBuffer);

  app.post<{ Params: { provider: string; account: string } }>(
    '/webhooks/:provider/:account',
    { schema: { hide: true } as object },
    async (request, reply) => {
      const { provider: providerId, account: accountName } = request.params;
      const account = Object.hasOwn(config.accounts, accountName) ? config.accounts[accountName] : undefined;
      const provider = getProvider(providerId);
      if (!account || !provider || account.provider !== providerId) {
        metrics.webhooks.inc({ provider: provider ? providerId : 'unknown', result: 'unknown_account' });
        throw new ApiError(
          404,
          'not_found',
          `アカウントがありません / No ${providerId} account named ${JSON.stringify(accountName)}`,
        );
      }
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const parsed = provider.parseWebhook(account, {
        url: config.publicUrl + request.url,
        headers: request.headers,
        rawBody,
      });
      if (!parsed.ok) {
        metrics.webhooks.inc({
          provider: providerId,
          result: parsed.reason === 'bad_signature' ? 'invalid_signature' : 'malformed',
        });
        if (parsed.reason === 'bad_signature') {
          request.log.warn(
            { provider: providerId, account: accountName },
            'webhook with an invalid signature refused',
          );
          throw new ApiError(
            401,
            'invalid_signature',
            '署名が正しくありません / The webhook signature is not valid',
          );
        }
        throw new ApiError(
          400,
          'malformed_webhook',
          `Webhook の内容を読めません / The webhook could not be read${parsed.detail ? `: ${parsed.detail}` : ''}`,
        );
      }
      const receivedAt = clock.now();
      if (parsed.receipts.length > 0) {
        await store.insertReceipts(
          parsed.receipts.map((r) => ({
            provider: providerId,
            account: accountName,
            eventId: r.eventId,
            attemptId: r.attemptId ?? null,
            providerMessageId: r.providerMessageId ?? null,
            status: r.status,
            errorCode: r.errorCode ?? null,
            units: r.units ?? null,
            occurredAt: r.occurredAt,
            receivedAt,
          })),
        );
      }
      if (parsed.contactEvents !== undefined && parsed.contactEvents.length > 0) {
        await applyContactEvents(contacts, `${providerId}/${accountName}`, parsed.contactEvents);
      }
      metrics.webhooks.inc({ provider: providerId, result: 'accepted' });
      reply.code(200).send();
      if (parsed.receipts.length > 0) deps.onReceipts?.();
      return reply;
    },
  );
};
