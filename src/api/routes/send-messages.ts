import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { newlyAccepted } from '../../store/newly-accepted.js';
import type { NewMessage } from '../../store/records.js';
import type { AcceptResult } from '../../store/store.js';
import { ApiError, fieldErrors, validationFailed, type Problem } from '../api-error.js';
import type { AppDeps } from '../create-app.js';
import { BatchBody, MAX_BATCH, MessageBody } from '../message-body.js';
import { AcceptedView } from '../message-view.js';
import { prepareMessage, type PrepareContext } from '../prepare-message.js';
import type { ResolvedTemplate, TemplateRef, TemplateResolver } from '../template-resolver.js';

const idempotencyConflict = (key: string) =>
  new ApiError(
    409,
    'idempotency_conflict',
    `この冪等キーは別の内容のリクエストで使われています / The idempotency key ${JSON.stringify(key)} was already used with a different request`,
  );

/** One key per request: the Idempotency-Key header or the idempotencyKey field, which must agree if both are given. */
function idempotencyKeyOf(
  header: string | string[] | undefined,
  field: string | undefined,
): string | undefined {
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader !== undefined && (fromHeader.length === 0 || fromHeader.length > 255)) {
    throw validationFailed([{ path: 'Idempotency-Key', message: 'must be 1 to 255 characters' }]);
  }
  if (fromHeader !== undefined && field !== undefined && fromHeader !== field) {
    throw validationFailed([{ path: 'idempotencyKey', message: 'differs from the Idempotency-Key header' }]);
  }
  return fromHeader ?? field;
}

const BatchItemView = z.union([
  z.object({ index: z.number(), status: z.enum(['accepted', 'existing']), id: z.string() }),
  z.object({
    index: z.number(),
    error: z.looseObject({ code: z.string(), status: z.number(), detail: z.string() }),
  }),
]);
type BatchItem = z.input<typeof BatchItemView>;

/** POST /v1/messages and POST /v1/messages/batch. */
export const sendMessageRoutes: FastifyPluginAsyncZod<{
  deps: AppDeps;
  templates: TemplateResolver;
}> = async (app, { deps, templates }) => {
  const ctx: PrepareContext = { config: deps.config, clock: deps.clock, newId: deps.newId };

  /** Each distinct template of a request resolved once: a batch of 10,000 reminders reads its template once. */
  async function resolveAll(
    refs: (TemplateRef | undefined)[],
  ): Promise<Map<string, ResolvedTemplate | ApiError>> {
    const resolved = new Map<string, ResolvedTemplate | ApiError>();
    const keys = new Map<string, TemplateRef>();
    for (const ref of refs) if (ref !== undefined) keys.set(JSON.stringify(ref), ref);
    await Promise.all(
      [...keys].map(async ([key, ref]) => {
        try {
          resolved.set(key, await templates.resolve(ref));
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          resolved.set(key, error);
        }
      }),
    );
    return resolved;
  }

  function templateOf(
    resolved: Map<string, ResolvedTemplate | ApiError>,
    ref: TemplateRef | undefined,
  ): ResolvedTemplate | null {
    if (ref === undefined) return null;
    const found = resolved.get(JSON.stringify(ref))!;
    if (found instanceof ApiError) throw found;
    return found;
  }

  function accepted(results: AcceptResult[]): void {
    const created = results.reduce((n, r) => n + (r.result === 'created' ? 1 : 0), 0);
    if (created === 0) return;
    deps.metrics.accepted.inc(created);
    deps.onAccepted?.();
  }

  app.post(
    '/v1/messages',
    {
      schema: {
        summary: 'Send one message',
        description:
          '202 when stored now; 200 with the original message when the idempotency key was seen with the same body.',
        security: [{ bearer: [] }],
        body: MessageBody,
        response: { 200: AcceptedView, 202: AcceptedView },
      },
    },
    async (request, reply) => {
      const key = idempotencyKeyOf(request.headers['idempotency-key'], request.body.idempotencyKey);
      const template =
        request.body.template === undefined ? null : await templates.resolve(request.body.template);
      const message = prepareMessage(request.body, key, request.apiKey?.id ?? null, ctx, template);
      const handOver = message.priority === 'realtime' ? deps.realtimeHandOver : undefined;
      message.lease = handOver?.lease(message.createdAt) ?? null;
      const storing = deps.store.acceptMessages([message]);
      if (message.lease !== null) {
        // Handed over while the insert is on its way: the engine may queue the message's first change behind it.
        handOver!.adopt(
          newlyAccepted(message),
          storing.then(([r]) => (r!.result === 'created' ? r!.message : null)),
        );
      }
      const results = await storing;
      const result = results[0]!;
      accepted(results);
      if (result.result === 'conflict') throw idempotencyConflict(message.idempotencyKey);
      return reply
        .code(result.result === 'created' ? 202 : 200)
        .send({ id: result.message.id, status: result.message.status });
    },
  );

  app.post(
    '/v1/messages/batch',
    {
      bodyLimit: 32 * 1024 * 1024,
      schema: {
        summary: `Send up to ${MAX_BATCH} messages`,
        description:
          'Each item is checked on its own: valid items are stored together in one durable write, invalid ones get their problem.',
        security: [{ bearer: [] }],
        body: BatchBody,
        response: { 200: z.object({ items: z.array(BatchItemView) }) },
      },
    },
    async (request) => {
      const { items } = request.body;
      if (items.length > MAX_BATCH) {
        throw new ApiError(
          413,
          'batch_too_large',
          `一度に送れるのは ${MAX_BATCH} 件までです / A batch holds at most ${MAX_BATCH} messages, got ${items.length}`,
          { maxItems: MAX_BATCH },
        );
      }
      const apiKeyId = request.apiKey?.id ?? null;
      const out: BatchItem[] = new Array(items.length);
      const messages: NewMessage[] = [];
      const indexes: number[] = [];
      const parsedItems = items.map((item) => MessageBody.safeParse(item));
      const resolved = await resolveAll(parsedItems.map((p) => (p.success ? p.data.template : undefined)));
      parsedItems.forEach((parsed, index) => {
        try {
          if (!parsed.success) throw validationFailed(fieldErrors(parsed.error.issues));
          const template = templateOf(resolved, parsed.data.template);
          messages.push(prepareMessage(parsed.data, parsed.data.idempotencyKey, apiKeyId, ctx, template));
          indexes.push(index);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          out[index] = { index, error: error.toProblem() };
        }
      });

      const results = messages.length > 0 ? await deps.store.acceptMessages(messages) : [];
      accepted(results);
      results.forEach((result, i) => {
        const index = indexes[i]!;
        out[index] =
          result.result === 'conflict'
            ? { index, error: idempotencyConflict(messages[i]!.idempotencyKey).toProblem() as Problem }
            : { index, status: result.result === 'created' ? 'accepted' : 'existing', id: result.id };
      });
      return { items: out };
    },
  );
};
