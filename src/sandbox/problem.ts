import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

const STATUS_TITLES: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found' };

/** RFC 9457 problem details with todoke's stable `code`: how every control route refuses. */
export function problem(reply: FastifyReply, status: number, code: string, detail: string): FastifyReply {
  const body = { type: 'about:blank', title: STATUS_TITLES[status] ?? 'Error', status, detail, code };
  return reply.code(status).type('application/problem+json').send(JSON.stringify(body));
}

/** A zod error as one line naming each bad field. */
export function describe(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
