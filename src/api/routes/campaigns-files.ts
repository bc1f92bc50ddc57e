import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CampaignDeps } from '../../campaigns/campaign-deps.js';
import { CampaignError, campaignNotFound, wrongStatus } from '../../campaigns/campaign-errors.js';
import { changeCampaign } from '../../campaigns/change-campaign.js';
import { parseExclusionList } from '../../campaigns/exclusion-list-csv.js';
import { explicitMapping, importRecipients } from '../../campaigns/import-recipients.js';
import { problemsCsvStream, readCsvHeader } from '../../campaigns/import/index.js';
import { resultsCsvStream } from '../../campaigns/results-csv.js';
import type { ExclusionListRecord } from '../../store/campaign-records.js';
import { ApiError } from '../api-error.js';
import {
  CampaignParams,
  CampaignView,
  ExclusionListView,
  ExclusionUploadQuery,
  ExportQuery,
  UploadQuery,
  campaignView,
  importAnswer,
  exclusionListView,
} from './campaigns-body.js';

/** The request body as bytes: file routes take text/csv (or octet-stream) and stream it. */
export function fileBody(request: FastifyRequest): AsyncIterable<Uint8Array> {
  const body = request.body as AsyncIterable<Uint8Array> | undefined;
  if (body && typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function') {
    return body;
  }
  throw new ApiError(
    415,
    'unsupported_media_type',
    'ファイルは Content-Type: text/csv で送ってください / Send the file as the request body with Content-Type: text/csv',
  );
}

const attachment = (name: string) => `attachment; filename="${name}"`;

/** Uploads and downloads of a campaign: recipients, mapping suggestion, problems, results, exclusion lists. */
export const campaignFileRoutes: FastifyPluginAsyncZod<{ deps: CampaignDeps }> = async (app, { deps }) => {
  const { store } = deps;

  async function found(id: string) {
    const campaign = await store.campaigns.get(id);
    if (!campaign) throw campaignNotFound(id);
    return campaign;
  }

  app.post(
    '/v1/campaigns/:id/recipients',
    {
      schema: {
        summary: 'Upload the recipients CSV (draft), streamed',
        description:
          'Send the file as the body (Content-Type: text/csv; UTF-8 or Shift_JIS). All or nothing: the campaign takes the new list only once the whole file is read; a file that cannot be used leaves it on its earlier list (422 import_failed). Row problems are in GET …/problems.',
        security: [{ bearer: [] }],
        params: CampaignParams,
        querystring: UploadQuery,
      },
    },
    async (request) => {
      const { fileName, encoding } = request.query;
      const result = await importRecipients(
        deps,
        request.params.id,
        fileBody(request),
        { fileName: fileName ?? null, encoding },
        request.apiKey?.id ?? null,
      );
      const { summary } = result;
      return importAnswer(result, {
        encoding: summary.encoding,
        delimiter: summary.delimiter,
        headers: summary.headers,
        mapping: summary.mapping ? explicitMapping(summary.mapping) : null,
      });
    },
  );

  app.post(
    '/v1/campaigns/:id/mapping-suggestion',
    {
      schema: {
        summary: 'Suggest a column mapping from the file’s header row',
        description:
          'Send the file (or just its first lines) as text/csv. Only the header row is read. Confirm with PUT …/mapping.',
        security: [{ bearer: [] }],
        params: CampaignParams,
        querystring: UploadQuery,
      },
    },
    async (request) => {
      const campaign = await found(request.params.id);
      const header = await readCsvHeader(fileBody(request), { encoding: request.query.encoding });
      if (!header.ok) {
        const p = header.fileProblem;
        throw new CampaignError(422, 'invalid_csv', `${p.messageJa} / ${p.messageEn}`, { fileProblem: p });
      }
      return {
        headers: header.headers,
        encoding: header.encoding,
        delimiter: header.delimiter,
        suggested: explicitMapping(header.suggested),
        confirmed: campaign.mapping,
      };
    },
  );

  app.get(
    '/v1/campaigns/:id/problems',
    {
      schema: {
        summary: 'Row problems of the current list, as CSV (UTF-8 with BOM)',
        security: [{ bearer: [] }],
        params: CampaignParams,
      },
    },
    async (request, reply) => {
      const campaign = await found(request.params.id);
      const importId = campaign.importId;
      async function* problems() {
        if (importId === null) return;
        for (let after = -1; ;) {
          const page = await store.campaigns.listProblems(importId, { afterSeq: after, limit: 2_000 });
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
        .header('content-disposition', attachment(`campaign-${campaign.id}-problems.csv`))
        .send(problemsCsvStream(problems()));
    },
  );

  app.get(
    '/v1/campaigns/:id/export',
    {
      schema: {
        summary: 'Per-recipient results as CSV, streamed',
        description:
          'Row, external ID, phone, name, final status and reason, channel, attempts, cost, delivery time. UTF-8 with BOM (default) or Shift_JIS.',
        security: [{ bearer: [] }],
        params: CampaignParams,
        querystring: ExportQuery,
      },
    },
    async (request, reply) => {
      const campaign = await found(request.params.id);
      const { encoding } = request.query;
      return reply
        .type(`text/csv; charset=${encoding === 'shift_jis' ? 'shift_jis' : 'utf-8'}`)
        .header('content-disposition', attachment(`campaign-${campaign.id}-results.csv`))
        .send(resultsCsvStream(store.campaigns, campaign.importId, encoding));
    },
  );

  async function storeList(request: FastifyRequest, name: string, encoding: 'auto' | 'utf-8' | 'cp932') {
    const parsed = await parseExclusionList(fileBody(request), deps.config.secret, encoding);
    const list: ExclusionListRecord = {
      id: deps.newId(),
      name,
      phones: parsed.phones,
      externalIds: parsed.externalIds,
      createdBy: request.apiKey?.id ?? null,
      createdAt: deps.clock.now(),
    };
    await store.campaigns.createExclusionList(list, parsed.entries);
    return exclusionListView(list, { invalidPhones: parsed.invalidPhones, rows: parsed.rows });
  }

  app.post(
    '/v1/campaigns/exclusion-lists',
    {
      schema: {
        summary: 'Upload an exclusion list (phones and/or customer IDs), as CSV',
        description:
          'A header row names a phone column (電話番号, …) and/or a customer ID column (顧客ID, …).',
        security: [{ bearer: [] }],
        querystring: ExclusionUploadQuery,
        response: { 201: ExclusionListView },
      },
    },
    async (request, reply) => {
      const { name, fileName, encoding } = request.query;
      const view = await storeList(request, name ?? fileName ?? 'exclusion list', encoding);
      return reply.code(201).send(view);
    },
  );

  app.get(
    '/v1/campaigns/exclusion-lists',
    {
      schema: {
        summary: 'Exclusion lists, newest first',
        security: [{ bearer: [] }],
        response: { 200: z.object({ items: z.array(ExclusionListView) }) },
      },
    },
    async () => ({
      items: (await store.campaigns.listExclusionLists({ limit: 200 })).map((l) => exclusionListView(l)),
    }),
  );

  app.post(
    '/v1/campaigns/:id/exclusion-lists',
    {
      schema: {
        summary: 'Upload an exclusion list and apply it to this campaign (draft)',
        security: [{ bearer: [] }],
        params: CampaignParams,
        querystring: ExclusionUploadQuery,
        response: { 201: z.object({ list: ExclusionListView, campaign: CampaignView }) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const current = await found(id);
      if (current.status !== 'draft')
        throw wrongStatus('add an exclusion list to', current.status, ['draft']);
      const { name, fileName, encoding } = request.query;
      const list = await storeList(request, name ?? fileName ?? 'exclusion list', encoding);
      const now = deps.clock.now();
      const campaign = await changeCampaign(store, id, (c) => {
        if (c.status !== 'draft') throw wrongStatus('add an exclusion list to', c.status, ['draft']);
        return {
          ...c,
          exclusions: { ...c.exclusions, listIds: [...c.exclusions.listIds, list.id] },
          updatedAt: now,
          history: [
            ...c.history,
            {
              action: 'add-exclusion-list',
              by: request.apiKey?.id ?? null,
              at: now,
              from: c.status,
              to: c.status,
            },
          ],
        };
      });
      return reply.code(201).send({ list, campaign: campaignView(campaign) });
    },
  );
};
