import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError, fieldErrors, validationFailed, type Problem } from './api-error.js';

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/** Fastify's own errors (body parsing, limits) in the API's vocabulary. */
function fromFastifyError(error: FastifyError, url: string): ApiError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(
        400,
        'malformed_json',
        '本文を JSON として読めません / The request body is not valid JSON',
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return url.startsWith('/v1/messages/batch')
        ? new ApiError(413, 'batch_too_large', 'バッチが大きすぎます / The batch is too large')
        : new ApiError(413, 'payload_too_large', 'リクエストが大きすぎます / The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(
        415,
        'unsupported_media_type',
        '本文は application/json で送ってください / Send the request body as application/json',
      );
    default:
      return null;
  }
}

/**
 * Every error of the API becomes an RFC 9457 problem here, and only here. Unexpected errors are logged and
 * answered with a bare 500 so internals never leak.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return sendProblem(reply, error.toProblem());
    if (hasZodFastifySchemaValidationErrors(error)) {
      const context =
        error.validationContext === 'body' ? '' : error.validationContext === 'querystring' ? 'query' : '';
      const issues = error.validation.map((v) => ({
        path: v.instancePath.split('/').filter((part: string) => part !== ''),
        message: v.message ?? 'invalid',
      }));
      return sendProblem(reply, validationFailed(fieldErrors(issues, context)).toProblem());
    }
    const known = fromFastifyError(error, request.url);
    if (known) return sendProblem(reply, known.toProblem());
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const detail = `リクエストを処理できません / The request cannot be processed: ${error.message}`;
      return sendProblem(reply, new ApiError(status, 'validation_failed', detail).toProblem());
    }
    request.log.error({ err: error, url: request.url, method: request.method }, 'request failed');
    return sendProblem(
      reply,
      new ApiError(
        500,
        'internal',
        'サーバー内部でエラーが発生しました / Something went wrong on the server',
      ).toProblem(),
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new ApiError(
        404,
        'not_found',
        `このURLはありません / No such endpoint: ${request.method} ${request.url.split('?')[0]}`,
      ).toProblem(),
    ),
  );
}
