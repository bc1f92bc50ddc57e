import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contactNotFound, refusedContact } from '../../contacts/contact-errors.js';
import { contactUpsert } from '../../contacts/contact-input.js';
import type { ContactUpsert } from '../../core/contact.js';
import { normalizePhone, phoneHmac } from '../../core/phone.js';
import type { ContactListFilter } from '../../store/contact-records.js';
import { ApiError, fieldErrors, validationFailed } from '../api-error.js';
import type { AppDeps } from '../create-app.js';
import {
  ContactBody,
  ContactListQuery,
  ContactParams,
  ContactView,
  MAX_CONTACT_BATCH,
  UpsertBody,
  contactView,
} from './contacts-body.js';
import { contactImportRoutes } from './contacts-import.js';

const BatchItemView = z.union([
  z.object({ index: z.number(), result: z.enum(['created', 'updated', 'unchanged']), id: z.string() }),
  z.object({
    index: z.number(),
    error: z.looseObject({ code: z.string(), status: z.number(), detail: z.string() }),
  }),
]);
type BatchItem = z.input<typeof BatchItemView>;

/** One contact of a request, checked and normalised; an ApiError says what is wrong with it. */
function parseContact(item: unknown, secret: string): ContactUpsert {
  const parsed = ContactBody.safeParse(item);
  if (!parsed.success) throw validationFailed(fieldErrors(parsed.error.issues));
  return contactUpsert(parsed.data, secret);
}

/**
 * /v1/contacts: the operator's customers, upserted by customer ID (or phone), one at a time or in batches of up
 * to 10,000 (one transaction), listed in id order, read and deleted. CSV imports: contacts-import.ts.
 */
export const contactRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const { store, config } = deps;

  app.post(
    '/v1/contacts',
    {
      bodyLimit: 32 * 1024 * 1024,
      // The body is checked here, item by item, for precise errors (a union's own errors say little).
      attachValidation: true,
      schema: {
        summary: 'Create or update contacts: one, or a batch of up to 10,000',
        description:
          'By customer ID (externalId) when given, else by phone. Named fields and attributes replace the stored ones (null clears or removes), others are kept; LINE user IDs are added. One contact: 201 created or 200 updated/unchanged with the contact. An array: 200 with a result per item (each checked on its own; the valid ones are stored in one transaction).',
        security: [{ bearer: [] }],
        body: UpsertBody,
        response: {
          200: z.union([ContactView, z.object({ items: z.array(BatchItemView) })]),
          201: ContactView,
        },
      },
    },
    async (request, reply) => {
      const body: unknown = request.body;
      const now = deps.clock.now();
      if (!Array.isArray(body)) {
        const contact = parseContact(body, config.secret);
        const [outcome] = await store.contacts.upsert({ contacts: [contact], newIds: [deps.newId()], now });
        if (outcome!.result === 'refused') throw refusedContact(outcome!);
        return reply.code(outcome!.result === 'created' ? 201 : 200).send(contactView(outcome!.contact));
      }
      if (body.length > MAX_CONTACT_BATCH) {
        throw new ApiError(
          413,
          'batch_too_large',
          `一度に送れるのは ${MAX_CONTACT_BATCH} 件までです / A batch holds at most ${MAX_CONTACT_BATCH} contacts, got ${body.length}`,
          { maxItems: MAX_CONTACT_BATCH },
        );
      }
      const out: BatchItem[] = new Array(body.length);
      const contacts: ContactUpsert[] = [];
      const indexes: number[] = [];
      body.forEach((item, index) => {
        try {
          contacts.push(parseContact(item, config.secret));
          indexes.push(index);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          out[index] = { index, error: error.toProblem() };
        }
      });
      const outcomes = await store.contacts.upsert({
        contacts,
        newIds: contacts.map(() => deps.newId()),
        now,
      });
      outcomes.forEach((outcome, i) => {
        const index = indexes[i]!;
        out[index] =
          outcome.result === 'refused'
            ? { index, error: refusedContact(outcome).toProblem() }
            : { index, result: outcome.result, id: outcome.contact.id };
      });
      return { items: out };
    },
  );

  app.get(
    '/v1/contacts',
    {
      schema: {
        summary: 'Contacts in id order (oldest first), page by page',
        description: 'Filter by externalId or phone (any everyday spelling of the number).',
        security: [{ bearer: [] }],
        querystring: ContactListQuery,
        response: { 200: z.object({ items: z.array(ContactView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const q = request.query;
      const filter: ContactListFilter = { limit: q.limit };
      if (q.cursor !== undefined) filter.afterId = q.cursor;
      if (q.externalId !== undefined) filter.externalId = q.externalId;
      if (q.phone !== undefined) {
        const phone = normalizePhone(q.phone);
        if (!phone.ok && phone.code === 'invalid_phone') {
          throw new ApiError(
            422,
            'invalid_phone',
            `電話番号の形式が正しくありません / The phone number is not valid: ${JSON.stringify(q.phone)}`,
          );
        }
        filter.phoneHmac = phoneHmac(config.secret, phone.e164);
      }
      const items = await store.contacts.list(filter);
      return {
        items: items.map(contactView),
        nextCursor: items.length === q.limit ? items[items.length - 1]!.id : null,
      };
    },
  );

  app.get(
    '/v1/contacts/:id',
    {
      schema: {
        summary: 'A contact',
        security: [{ bearer: [] }],
        params: ContactParams,
        response: { 200: ContactView },
      },
    },
    async (request) => {
      const contact = await store.contacts.get(request.params.id);
      if (!contact) throw contactNotFound(request.params.id);
      return contactView(contact);
    },
  );

  app.delete(
    '/v1/contacts/:id',
    {
      schema: {
        summary: 'Delete a contact',
        description: 'Campaign lists already filled from a segment keep their rows.',
        security: [{ bearer: [] }],
        params: ContactParams,
      },
    },
    async (request, reply) => {
      if (!(await store.contacts.delete(request.params.id))) throw contactNotFound(request.params.id);
      return reply.code(204).send();
    },
  );

  await app.register(contactImportRoutes, { deps });
};
