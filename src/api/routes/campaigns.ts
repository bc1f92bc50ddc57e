import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createCampaign } from '../../campaigns/create-campaign.js';
import type { CampaignDeps } from '../../campaigns/campaign-deps.js';
import { campaignNotFound } from '../../campaigns/campaign-errors.js';
import { campaignProgress, campaignSummary } from '../../campaigns/campaign-progress.js';
import type { AppDeps } from '../create-app.js';
import type { TemplateResolver } from '../template-resolver.js';
import {
  CampaignParams,
  CampaignView,
  CreateCampaignBody,
  ListQuery,
  RecipientsQuery,
  campaignView,
} from './campaigns-body.js';
import { campaignFileRoutes } from './campaigns-files.js';
import { campaignLifecycleRoutes } from './campaigns-lifecycle.js';

/**
 * /v1/campaigns: bulk sends from a CSV — create, upload recipients, validate, approve (a second operator), run,
 * follow and export. The key a request is made with identifies the operator.
 */
export const campaignRoutes: FastifyPluginAsyncZod<{ deps: AppDeps; templates: TemplateResolver }> = async (
  app,
  { deps, templates },
) => {
  const cdeps: CampaignDeps = {
    store: deps.store,
    config: deps.config,
    clock: deps.clock,
    newId: deps.newId,
    templates,
    ...(deps.onAccepted ? { onAccepted: deps.onAccepted } : {}),
  };
  const { store } = deps;

  // Files are streamed, never buffered whole: the handler reads the request body itself.
  app.addContentTypeParser(
    ['text/csv', 'application/octet-stream', 'text/plain'],
    (_request, payload, done) => done(null, payload),
  );

  app.post(
    '/v1/campaigns',
    {
      schema: {
        summary: 'Create a campaign (draft)',
        description:
          'The template version and the route are pinned now: what is approved later is what is sent. Upload recipients next.',
        security: [{ bearer: [] }],
        body: CreateCampaignBody,
        response: { 201: CampaignView },
      },
    },
    async (request, reply) => {
      const campaign = await createCampaign(cdeps, request.body, request.apiKey?.id ?? null);
      return reply.code(201).send(campaignView(campaign));
    },
  );

  app.get(
    '/v1/campaigns',
    {
      schema: {
        summary: 'Campaigns, newest first',
        security: [{ bearer: [] }],
        querystring: ListQuery,
        response: { 200: z.object({ items: z.array(CampaignView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const items = await store.campaigns.list({ limit, ...(cursor ? { beforeId: cursor } : {}) });
      return {
        items: items.map((c) => campaignView(c)),
        nextCursor: items.length === limit ? items[items.length - 1]!.id : null,
      };
    },
  );

  app.get(
    '/v1/campaigns/:id',
    {
      schema: {
        summary: 'A campaign: status, validation report and estimate, live progress and summary',
        security: [{ bearer: [] }],
        params: CampaignParams,
        response: { 200: CampaignView },
      },
    },
    async (request) => {
      const campaign = await store.campaigns.get(request.params.id);
      if (!campaign) throw campaignNotFound(request.params.id);
      const progress = await campaignProgress(store, deps.config, campaign, deps.clock.now());
      return campaignView(campaign, { progress, summary: campaignSummary(campaign, progress) });
    },
  );

  app.get(
    '/v1/campaigns/:id/recipients',
    {
      schema: {
        summary: 'Recipients of the current list, in file order, with their state',
        security: [{ bearer: [] }],
        params: CampaignParams,
        querystring: RecipientsQuery,
      },
    },
    async (request) => {
      const campaign = await store.campaigns.get(request.params.id);
      if (!campaign) throw campaignNotFound(request.params.id);
      if (campaign.importId === null) return { items: [], nextAfter: null };
      const { state, after, limit } = request.query;
      const items = await store.campaigns.listRecipients(campaign.importId, {
        afterRow: after,
        limit,
        ...(state ? { state } : {}),
      });
      return {
        items: items.map(({ importId: _i, phoneHmac: _p, addressKey: _a, ...r }) => r),
        nextAfter: items.length === limit ? items[items.length - 1]!.rowNumber : null,
      };
    },
  );

  await app.register(campaignLifecycleRoutes, { deps: cdeps });
  await app.register(campaignFileRoutes, { deps: cdeps });
};
