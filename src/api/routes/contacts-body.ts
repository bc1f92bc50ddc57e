import { z } from 'zod';
import { EMAIL, LINE_USER_ID } from '../../campaigns/import/check-addresses.js';
import { VARIABLE_NAME } from '../../campaigns/import/column-target.js';
import type { ContactRecord } from '../../core/contact.js';
import { MappingTarget } from './campaigns-body.js';

export const MAX_CONTACT_BATCH = 10_000;
const MAX_ATTRIBUTES = 100;

const AttributeValue = z.union([z.string().max(1_000), z.number(), z.boolean(), z.null()]);

/** One contact to create or update; omitted fields are kept, null clears (or, for an attribute, removes). */
export const ContactBody = z
  .strictObject({
    externalId: z.string().min(1).max(200).optional().meta({
      description: 'Customer ID in your system: the key when given (unique)',
    }),
    phone: z.string().max(40).nullable().optional().meta({
      description: 'Normalised to E.164 (090-1234-5678, +81 90…); the key when there is no externalId',
    }),
    email: z.string().max(254).regex(EMAIL, 'not an e-mail address').nullable().optional(),
    name: z.string().max(200).nullable().optional(),
    lineUserIds: z
      .array(z.string().regex(LINE_USER_ID, 'a LINE user ID is U followed by 32 hexadecimal digits'))
      .max(20)
      .optional()
      .meta({ description: 'LINE user IDs to link (added to those already linked)' }),
    attributes: z
      .record(
        z
          .string()
          .max(64)
          .regex(
            VARIABLE_NAME,
            'letters, digits and _, not starting with a digit (templates read it by name)',
          ),
        AttributeValue,
      )
      .refine((a) => Object.keys(a).length <= MAX_ATTRIBUTES, `at most ${MAX_ATTRIBUTES} attributes`)
      .optional()
      .meta({
        description:
          'Text, numbers or true/false (age, prefecture, plan…); each one named replaces the stored one, null removes it, others are kept',
      }),
  })
  .meta({ description: 'A contact: externalId or phone is needed' });

/** One contact, or a batch (array) of up to 10,000, each checked on its own. */
export const UpsertBody = z.union([
  ContactBody,
  z.array(z.unknown()).meta({ description: `Up to ${MAX_CONTACT_BATCH} contacts, each as above` }),
]);

export const ContactParams = z.object({ id: z.string().min(1).max(64) });

export const ContactListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  cursor: z.string().max(64).optional().meta({ description: 'nextCursor of the previous page' }),
  externalId: z.string().max(200).optional(),
  phone: z.string().max(40).optional(),
});

export const ContactImportQuery = z.object({
  fileName: z.string().max(255).optional(),
  encoding: z.enum(['auto', 'utf-8', 'cp932']).default('auto').meta({
    description: 'For files without a BOM: auto (UTF-8, else Shift_JIS/CP932), utf-8 or cp932',
  }),
  mapping: z.string().max(20_000).optional().meta({
    description:
      'JSON object: column header → phone, name, lineUserId, email, externalId, ignore or {"variable": name} (an attribute). Default: suggested from the headers',
  }),
});

export const ImportMapping = z.record(z.string().min(1).max(200), MappingTarget);

const Time = z.string().meta({ description: 'ISO 8601' });

export const ContactView = z.object({
  id: z.string(),
  externalId: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  lineUserIds: z.array(z.string()),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  createdAt: Time,
  updatedAt: Time,
  version: z.number(),
});

const iso = (ms: number) => new Date(ms).toISOString();

/** A contact as the API shows it: as stored (numbers unmasked, as messages and campaign lists show them). */
export function contactView(c: ContactRecord): z.input<typeof ContactView> {
  return {
    id: c.id,
    externalId: c.externalId,
    phone: c.phone,
    email: c.email,
    name: c.name,
    lineUserIds: c.lineUserIds,
    attributes: c.attributes,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    version: c.version,
  };
}
