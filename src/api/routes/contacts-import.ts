import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { explicitMapping } from '../../campaigns/import-recipients.js';
import { problemsCsvStream, type ExplicitMapping } from '../../campaigns/import/index.js';
import { importContacts } from '../../contacts/import-contacts.js';
import { ApiError, fieldErrors, validationFailed } from '../api-error.js';
import type { AppDeps } from '../create-app.js';
import { fileBody } from './campaigns-files.js';
import { ContactImportQuery, ImportMapping } from './contacts-body.js';

function mappingOf(text: string | undefined): ExplicitMapping | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw validationFailed([{ path: 'query.mapping', message: 'not valid JSON' }]);
  }
  const parsed = ImportMapping.safeParse(json);
  if (!parsed.success) throw validationFailed(fieldErrors(parsed.error.issues, 'query.mapping'));
  return parsed.data;
}

/** POST /v1/contacts/import (a CSV, streamed) and its row problems as a CSV. */
export const contactImportRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addContentTypeParser(
    ['text/csv', 'application/octet-stream', 'text/plain'],
    (_request, payload, done) => done(null, payload),
  );

  app.post(
    '/v1/contacts/import',
    {
      schema: {
        summary: 'Create or update contacts from a CSV, streamed',
        description:
          'Send the file as the body (Content-Type: text/csv; UTF-8 with or without BOM, Shift_JIS/CP932 or UTF-16 with BOM, detected). The header row is mapped as for a campaign (電話番号, 会員番号, 氏名, メールアドレス, LINE ID…); every other column becomes an attribute, as text. Each row upserts one contact by customer ID, else by phone; an empty cell keeps the stored value. Rows with problems are skipped and reported (row, column, code, Japanese and English message); the full report is GET /v1/contacts/imports/{importId}/problems. 422 import_failed when the file cannot be read on (rows before the problem are stored).',
        security: [{ bearer: [] }],
        querystring: ContactImportQuery,
      },
    },
    async (request) => {
      const { encoding, mapping, fileName } = request.query;
      const result = await importContacts(
        { store: deps.store, config: deps.config, clock: deps.clock, newId: deps.newId },
        fileBody(request),
        { encoding, mapping: mappingOf(mapping) },
      );
      const { summary } = result;
      const report = {
        importId: result.importId,
        fileName: fileName ?? null,
        rows: summary.rows,
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
        rejected: summary.rows - result.created - result.updated - result.unchanged,
        errors: result.errors,
        warnings: result.warnings,
        problemsByCode: result.problemsByCode,
        encoding: summary.encoding,
        delimiter: summary.delimiter,
        headers: summary.headers,
        mapping: summary.mapping ? explicitMapping(summary.mapping) : null,
      };
      if (summary.fileProblem) {
        const problem = summary.fileProblem;
        throw new ApiError(422, 'import_failed', `${problem.messageJa} / ${problem.messageEn}`, {
          fileProblem: problem,
          import: report,
          problems: result.problems,
        });
      }
      return { import: report, problems: result.problems };
    },
  );

  app.get(
    '/v1/contacts/imports/:importId/problems',
    {
      schema: {
        summary: 'Row problems of a contacts import, as CSV (UTF-8 with BOM)',
        security: [{ bearer: [] }],
        params: z.object({ importId: z.string().min(1).max(64) }),
      },
    },
    async (request, reply) => {
      const { importId } = request.params;
      const store = deps.store.campaigns;
      async function* problems() {
        for (let after = -1; ;) {
          const page = await store.listProblems(importId, { afterSeq: after, limit: 2_000 });
          if (page.length === 0) return;
          for (const p of page) {
            const { importId: _i, seq: _s, value, ...rest } = p;
            yield value === null ? rest : { ...rest, value };
          }
          after = page[page.length - 1]!.seq;
        }
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="contacts-import-${importId}-problems.csv"`)
        .send(problemsCsvStream(problems()));
    },
  );
};
