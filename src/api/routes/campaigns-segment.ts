import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CampaignDeps } from '../../campaigns/campaign-deps.js';
import { recipientsFromSegment } from '../../campaigns/segment-recipients.js';
import type { AppDeps } from '../create-app.js';
import type { TemplateResolver } from '../template-resolver.js';
import { CampaignParams, importAnswer } from './campaigns-body.js';

const SegmentRecipientsBody = z.strictObject({
  segmentId: z.string().min(1).max(200).meta({ description: 'The segment’s id (or its name)' }),
});

/** POST /v1/campaigns/{id}/recipients/segment: a campaign's list from a segment of the contact store. */
export const campaignSegmentRoutes: FastifyPluginAsyncZod<{
  deps: AppDeps;
  templates: TemplateResolver;
}> = async (app, { deps, templates }) => {
  const cdeps: CampaignDeps = {
    store: deps.store,
    config: deps.config,
    clock: deps.clock,
    newId: deps.newId,
    templates,
  };

  app.post(
    '/v1/campaigns/:id/recipients/segment',
    {
      schema: {
        summary: 'Take the recipients from a segment (draft)',
        description:
          'The contacts matching the segment now become the list, rows 1..N in contact id order, checked exactly as an uploaded CSV (phones, numbers without SMS, variables the template needs from the contacts’ attributes, duplicates sent once); the first linked LINE user ID is used, the customer ID goes to the export. All or nothing, like an upload. The campaign records imported.fileName "segment:<name>" and imported.source { kind, segmentId, segmentName, segmentVersion, contacts }.',
        security: [{ bearer: [] }],
        params: CampaignParams,
        body: SegmentRecipientsBody,
      },
    },
    async (request) => {
      const result = await recipientsFromSegment(
        cdeps,
        request.params.id,
        request.body.segmentId,
        request.apiKey?.id ?? null,
      );
      return importAnswer(result);
    },
  );
};
