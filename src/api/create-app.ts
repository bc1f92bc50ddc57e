import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
} from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { TodokeConfig } from '../config/config.js';
import type { Clock } from '../core/clock.js';
import type { Metrics } from '../observability/metrics.js';
import type { MessageRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { bearerAuth } from './auth.js';
import { registerErrorHandling } from './error-handler.js';
import { campaignRoutes } from './routes/campaigns.js';
import { campaignSegmentRoutes } from './routes/campaigns-segment.js';
import { cancelMessageRoutes } from './routes/cancel-message.js';
import { contactRoutes } from './routes/contacts.js';
import { healthRoutes } from './routes/health.js';
import { purposeRoutes } from './routes/purposes.js';
import { readMessageRoutes } from './routes/read-messages.js';
import { segmentRoutes } from './routes/segments.js';
import { sendMessageRoutes } from './routes/send-messages.js';
import { suppressionRoutes } from './routes/suppressions.js';
import { templateRoutes } from './routes/templates.js';
import { webhookRoutes } from './routes/webhooks.js';
import { TemplateResolver } from './template-resolver.js';

export interface AppDeps {
  store: Store;
  config: TodokeConfig;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** ULID factory for message ids. */
  newId: () => string;
  /** Called after messages are durably accepted: wakes the engine. */
  onAccepted?: () => void;
  /** The engine of this process, when there is one: realtime messages are accepted leased to it and handed over. */
  realtimeHandOver?: RealtimeHandOver;
  /** Called after webhook receipts are stored. */
  onReceipts?: () => void;
  /** The provider emulators' control API (its routes live under /__sandbox/), served without an API key. */
  sandboxControl?: FastifyPluginAsync;
  /** For /readyz: the engine is running. */
  ready?: () => boolean;
  /** `full` (default): the whole API. `ops`: only /healthz, /readyz and /metrics (worker processes). */
  surface?: 'full' | 'ops';
}

/** How the API hands a realtime message to the engine beside it, skipping the engine's claim. */
export interface RealtimeHandOver {
  /** A lease to store the message with, or null when the engine cannot take it up at once. */
  lease(now: number): { owner: string; until: number } | null;
  /**
   * Called as the message is being stored, with its record as it will be stored and the store's answer: the
   * stored record, or null when nothing new was stored.
   */
  adopt(message: MessageRecord, stored: Promise<MessageRecord | null>): void;
}

/** The HTTP API as a Fastify instance, not listening yet (callers may add routes): tests use `app.inject`. */
export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  // Phone HMACs keyed with an empty secret could be reversed by hashing every number: refuse to start.
  if (!deps.config.secret) throw new Error('config.secret is empty: generate one before creating the API');
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Thousands of requests a second would mean thousands of log lines; requests are logged at debug below.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

  if (deps.logger.isLevelEnabled('debug')) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.debug(
        {
          method: request.method,
          url: request.url,
          statusCode: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request completed',
      );
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'todoke',
        description:
          'Transactional notifications for Japan: LINE notification messages, LINE push, SMS and e-mail with automatic fallback. Errors are RFC 9457 problem+json with a stable `code`.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'tdk_… API key' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { deps });
  // A worker process serves only health and metrics; the API and webhooks are the API processes' work.
  if (deps.surface === 'ops') return app;
  const templates = new TemplateResolver(deps.store);
  await app.register(async (v1) => {
    v1.addHook('onRequest', bearerAuth(deps.store, deps.clock));
    await v1.register(sendMessageRoutes, { deps, templates });
    await v1.register(templateRoutes, { deps, templates });
    await v1.register(purposeRoutes, { deps });
    await v1.register(suppressionRoutes, { deps });
    await v1.register(readMessageRoutes, { deps });
    await v1.register(cancelMessageRoutes, { deps });
    await v1.register(campaignRoutes, { deps, templates });
    await v1.register(campaignSegmentRoutes, { deps, templates });
    await v1.register(contactRoutes, { deps });
    await v1.register(segmentRoutes, { deps });
  });
  await app.register(webhookRoutes, { deps });
  if (deps.sandboxControl) await app.register(deps.sandboxControl);
  return app;
}
