import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ContactDeps } from '../../contacts/contact-deps.js';
import { segmentNotFound } from '../../contacts/contact-errors.js';
import { createSegment, findSegment, updateSegment } from '../../contacts/segment-actions.js';
import { previewSegment } from '../../contacts/segment-contacts.js';
import type { AppDeps } from '../create-app.js';
import { ContactView, contactView } from './contacts-body.js';
import {
  PreviewQuery,
  SegmentBody,
  SegmentListQuery,
  SegmentParams,
  SegmentView,
  UpdateSegmentBody,
  asFilter,
  parseSegmentBody,
  segmentView,
} from './segments-body.js';

/**
 * /v1/segments: saved filters over contacts (src/core/segment-filter.ts), with a preview of who matches. A
 * campaign takes a segment's contacts with POST /v1/campaigns/{id}/recipients/segment.
 */
export const segmentRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const cdeps: ContactDeps = { store: deps.store, config: deps.config, clock: deps.clock, newId: deps.newId };
  const { contacts } = deps.store;

  app.post(
    '/v1/segments',
    {
      // Checked here: a problem in the filter is answered as invalid_filter (see parseSegmentBody).
      attachValidation: true,
      schema: {
        summary: 'Create a segment',
        description:
          'filter: { "all": [...] } or { "any": [...] } of conditions { attribute, op, value } and, one level down, groups of conditions. 409 segment_name_taken when the name is used; 422 invalid_filter with each problem’s path.',
        security: [{ bearer: [] }],
        body: SegmentBody,
        response: { 201: SegmentView },
      },
    },
    async (request, reply) => {
      const body = parseSegmentBody(SegmentBody, request.body);
      const segment = await createSegment(
        cdeps,
        { name: body.name, description: body.description, filter: asFilter(body.filter) },
        request.apiKey?.id ?? null,
      );
      return reply.code(201).send(segmentView(segment));
    },
  );

  app.get(
    '/v1/segments',
    {
      schema: {
        summary: 'Segments, by name',
        security: [{ bearer: [] }],
        querystring: SegmentListQuery,
        response: { 200: z.object({ items: z.array(SegmentView) }) },
      },
    },
    async (request) => {
      const { name } = request.query;
      if (name !== undefined) {
        const found = await contacts.findSegmentByName(name);
        return { items: found ? [segmentView(found)] : [] };
      }
      return { items: (await contacts.listSegments()).map(segmentView) };
    },
  );

  app.get(
    '/v1/segments/:id',
    {
      schema: {
        summary: 'A segment, by id or name',
        security: [{ bearer: [] }],
        params: SegmentParams,
        response: { 200: SegmentView },
      },
    },
    async (request) => segmentView(await findSegment(cdeps, request.params.id)),
  );

  app.put(
    '/v1/segments/:id',
    {
      attachValidation: true,
      schema: {
        summary: 'Change a segment (compare-and-set on version)',
        description:
          'Give the version you read: 409 segment_changed when the segment changed since. The version goes up by one.',
        security: [{ bearer: [] }],
        params: SegmentParams,
        body: UpdateSegmentBody,
        response: { 200: SegmentView },
      },
    },
    async (request) => {
      const body = parseSegmentBody(UpdateSegmentBody, request.body);
      const segment = await updateSegment(
        cdeps,
        request.params.id,
        { name: body.name, description: body.description, filter: asFilter(body.filter) },
        body.version,
      );
      return segmentView(segment);
    },
  );

  app.delete(
    '/v1/segments/:id',
    {
      schema: {
        summary: 'Delete a segment',
        description: 'Campaigns filled from it keep their lists.',
        security: [{ bearer: [] }],
        params: SegmentParams,
      },
    },
    async (request, reply) => {
      if (!(await contacts.deleteSegment(request.params.id))) throw segmentNotFound(request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/segments/:id/preview',
    {
      schema: {
        summary: 'How many contacts match a segment, and the first of them',
        description:
          'Every contact is read page by page and tested (nothing is held whole). Contacts are shown as stored, as messages and campaign lists show them.',
        security: [{ bearer: [] }],
        params: SegmentParams,
        querystring: PreviewQuery,
        response: {
          200: z.object({
            segment: SegmentView,
            count: z.number(),
            contacts: z.array(ContactView),
          }),
        },
      },
    },
    async (request) => {
      const segment = await findSegment(cdeps, request.params.id);
      const preview = await previewSegment(contacts, segment.filter, request.query.limit);
      return {
        segment: segmentView(segment),
        count: preview.count,
        contacts: preview.contacts.map(contactView),
      };
    },
  );
};
