import { z } from 'zod';
import { CHANNELS } from '../core/channels.js';
import type { TemplateRecord, TemplateVersionRecord } from '../store/records.js';

/** A Liquid text of a template. */
const Liquid = z.string().min(1).max(10_000);
const Key = z.string().min(1).max(100);

const PnpTemplate = z.strictObject({
  templateKey: Key.meta({ description: 'The LINE template this message uses' }),
  emphasizedItem: z.strictObject({ itemKey: Key, content: Liquid }).optional(),
  items: z
    .array(z.strictObject({ itemKey: Key, content: Liquid }))
    .max(50)
    .optional(),
  buttons: z
    .array(z.strictObject({ buttonKey: Key, url: Liquid }))
    .max(10)
    .optional(),
});

/** What a template says on each channel; every text is Liquid (strict: unknown variables and filters are errors). */
export const TemplateChannelsInput = z
  .strictObject({
    line_pnp: z
      .union([z.strictObject({ text: Liquid }), z.strictObject({ template: PnpTemplate })])
      .optional()
      .meta({ description: 'A flexible notification message (text) or a LINE template' }),
    line_push: z.strictObject({ text: Liquid }).optional(),
    sms: z.strictObject({ text: Liquid }).optional(),
    email: z
      .strictObject({ subject: Liquid, text: Liquid, html: z.string().min(1).max(200_000).optional() })
      .optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), 'give the content of at least one channel');

const VariableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name: letters, digits and _');

/** The body of POST /v1/templates/{id}/versions. */
export const TemplateVersionBody = z.strictObject({
  channels: TemplateChannelsInput,
  optionalVariables: z.array(VariableName).max(100).optional().meta({
    description:
      'Variables that may be left out or empty; every other variable the template uses is required',
  }),
});

/** The body of POST /v1/templates. */
export const CreateTemplateBody = TemplateVersionBody.extend({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'names use letters, digits, - and _')
    .meta({ description: 'Unique; messages may name the template by it' }),
  description: z.string().max(500).optional(),
  purpose: z.string().min(1).max(64).optional().meta({ description: 'The purpose it is written for' }),
});

export const PreviewBody = z.strictObject({
  variables: z.record(z.string(), z.unknown()).default({}),
  version: z.int().min(1).optional().meta({ description: 'Default: the latest version' }),
  purpose: z.string().min(1).max(64).optional().meta({ description: "Default: the template's purpose" }),
  channels: z.array(z.enum(CHANNELS)).min(1).optional().meta({ description: 'Default: every channel' }),
});

export const TemplateParams = z.object({ id: z.string().min(1).max(64) });
export const TemplateVersionParams = TemplateParams.extend({ version: z.coerce.number().int().min(1) });

const Time = z.string().meta({ description: 'ISO 8601' });

export const TemplateView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  purpose: z.string().nullable(),
  latestVersion: z.number(),
  createdAt: Time,
  updatedAt: Time,
});

export const TemplateVersionView = z.object({
  templateId: z.string(),
  version: z.number(),
  channels: z.record(z.string(), z.unknown()),
  optionalVariables: z.array(z.string()),
  createdAt: Time,
});

export const TemplateDetailView = TemplateView.extend({
  latest: TemplateVersionView,
  versions: z.array(z.object({ version: z.number(), createdAt: Time })),
});

const iso = (ms: number) => new Date(ms).toISOString();

export function templateView(t: TemplateRecord): z.input<typeof TemplateView> {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    purpose: t.purpose,
    latestVersion: t.latestVersion,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
  };
}

export function templateVersionView(v: TemplateVersionRecord): z.input<typeof TemplateVersionView> {
  return {
    templateId: v.templateId,
    version: v.version,
    channels: { ...v.source.channels },
    optionalVariables: v.source.optionalVariables ?? [],
    createdAt: iso(v.createdAt),
  };
}
