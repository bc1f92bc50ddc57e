import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CHANNELS, type Channel } from '../../core/channels.js';
import { normalizePhone } from '../../core/phone.js';
import { PURPOSE_CLASSES, type PurposeClass } from '../../core/purposes.js';
import { ADDRESS_CHANNELS, addressHint, addressHmac, type AddressKind } from '../../core/suppression.js';
import type { SuppressionRecord } from '../../store/records.js';
import { ApiError, validationFailed } from '../api-error.js';
import type { AppDeps } from '../create-app.js';

const Address = {
  phone: z.string().min(1).max(40).optional(),
  lineUserId: z
    .string()
    .regex(/^U[0-9a-f]{32}$/, 'must be a LINE user ID: U and 32 hexadecimal digits')
    .optional(),
  email: z.email().max(254).optional(),
};
const ClassInput = z.enum(['promotional', 'transactional', 'all']);

const AddBody = z.strictObject({
  ...Address,
  channels: z.array(z.enum(CHANNELS)).min(1).optional().meta({
    description: 'Default: every channel of the address (phone: sms and line_pnp)',
  }),
  purposeClass: ClassInput.meta({
    description: 'promotional: adverts only; transactional: notices only; all: both',
  }),
  reason: z.string().min(1).max(64).default('api'),
});

const RemoveQuery = z.object({
  ...Address,
  channel: z.enum(CHANNELS).optional().meta({ description: 'Default: every channel of the address' }),
  purposeClass: ClassInput.default('all'),
});

const ListQuery = z.object({
  ...Address,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(64).optional(),
});

const SuppressionView = z.object({
  id: z.string(),
  address: z.string().meta({ description: 'Masked: the address itself is not stored' }),
  channel: z.enum(CHANNELS),
  purposeClass: z.enum(PURPOSE_CLASSES as [PurposeClass, ...PurposeClass[]]),
  reason: z.string(),
  source: z.string().nullable(),
  createdAt: z.string(),
});

function view(s: SuppressionRecord): z.input<typeof SuppressionView> {
  return {
    id: s.id,
    address: s.addressHint,
    channel: s.channel,
    purposeClass: s.purposeClass,
    reason: s.reason,
    source: s.source,
    createdAt: new Date(s.createdAt).toISOString(),
  };
}

/** The one address a request names, normalized: a phone number in E.164. */
function addressOf(q: { phone?: string; lineUserId?: string; email?: string }): {
  kind: AddressKind;
  address: string;
} | null {
  const given = (['phone', 'lineUserId', 'email'] as const).filter((k) => q[k] !== undefined);
  if (given.length === 0) return null;
  if (given.length > 1)
    throw validationFailed([{ path: given[1]!, message: 'give one address: phone, lineUserId or email' }]);
  const kind = given[0]!;
  if (kind !== 'phone')
    return { kind, address: kind === 'email' ? q.email!.trim().toLowerCase() : q.lineUserId! };
  const phone = normalizePhone(q.phone!);
  if (phone.ok || phone.code === 'not_sms_capable') return { kind, address: phone.e164 };
  throw new ApiError(
    422,
    'invalid_phone',
    `電話番号の形式が正しくありません / The phone number is not valid: ${JSON.stringify(q.phone)}`,
  );
}

function requireAddress(q: { phone?: string; lineUserId?: string; email?: string }) {
  const address = addressOf(q);
  if (address) return address;
  throw validationFailed([{ path: 'phone', message: 'give one address: phone, lineUserId or email' }]);
}

function channelsFor(kind: AddressKind, asked: readonly Channel[] | undefined): Channel[] {
  const possible = ADDRESS_CHANNELS[kind];
  if (!asked) return [...possible];
  const wrong = asked.filter((c) => !possible.includes(c));
  if (wrong.length > 0) {
    throw validationFailed([
      {
        path: 'channels',
        message: `a ${kind} is reached on ${possible.join(', ')}, not ${wrong.join(', ')}`,
      },
    ]);
  }
  return [...new Set(asked)];
}

const classesOf = (input: z.infer<typeof ClassInput>): PurposeClass[] =>
  input === 'all' ? [...PURPOSE_CLASSES] : [input];

/** Opt-outs: POST to add, DELETE to remove, GET to list (by address, or all newest first). */
export const suppressionRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const { store, config } = deps;

  app.post(
    '/v1/suppressions',
    {
      schema: {
        summary: 'Stop messages of a class to an address on some channels',
        description:
          'Suppressed steps are skipped with a `suppressed` event; stored by HMAC of the address only.',
        security: [{ bearer: [] }],
        body: AddBody,
        response: { 201: z.object({ added: z.number(), items: z.array(SuppressionView) }) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { kind, address } = requireAddress(body);
      const hmac = addressHmac(config.secret, kind, address);
      const now = deps.clock.now();
      const records: SuppressionRecord[] = [];
      for (const channel of channelsFor(kind, body.channels)) {
        for (const purposeClass of classesOf(body.purposeClass)) {
          records.push({
            id: deps.newId(),
            addressHmac: hmac,
            addressHint: addressHint(kind, address),
            channel,
            purposeClass,
            reason: body.reason,
            source: request.apiKey ? `api key ${request.apiKey.id}` : null,
            createdAt: now,
          });
        }
      }
      const added = await store.addSuppressions(records);
      const items = (await store.findSuppressions([hmac])).map(view);
      return reply.code(201).send({ added, items });
    },
  );

  app.delete(
    '/v1/suppressions',
    {
      schema: {
        summary: 'Let messages to an address through again',
        security: [{ bearer: [] }],
        querystring: RemoveQuery,
        response: { 200: z.object({ removed: z.number() }) },
      },
    },
    async (request) => {
      const q = request.query;
      const { kind, address } = requireAddress(q);
      const channels = channelsFor(kind, q.channel === undefined ? undefined : [q.channel]);
      const removed = await store.removeSuppressions(
        addressHmac(config.secret, kind, address),
        channels,
        classesOf(q.purposeClass),
      );
      return { removed };
    },
  );

  app.get(
    '/v1/suppressions',
    {
      schema: {
        summary: "An address's suppressions, or all of them newest first",
        security: [{ bearer: [] }],
        querystring: ListQuery,
        response: {
          200: z.object({ items: z.array(SuppressionView), nextCursor: z.string().nullable() }),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const address = addressOf(q);
      if (address) {
        const items = await store.findSuppressions([
          addressHmac(config.secret, address.kind, address.address),
        ]);
        return { items: items.map(view), nextCursor: null };
      }
      const filter: { limit: number; beforeId?: string } = { limit: q.limit };
      if (q.cursor !== undefined) filter.beforeId = q.cursor;
      const items = await store.listSuppressions(filter);
      const last = items.at(-1);
      return { items: items.map(view), nextCursor: items.length === q.limit && last ? last.id : null };
    },
  );
};
