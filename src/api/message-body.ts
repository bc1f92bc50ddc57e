import { z } from 'zod';
import { MESSAGE_STATUSES } from '../core/message-states.js';
import { LINE_LIMITS } from '../core/text/line-limits.js';
import { RouteStepInput } from '../config/route-steps.js';

/** At most this many messages in one batch request. */
export const MAX_BATCH = 10_000;
const MAX_METADATA_BYTES = 16 * 1024;
const MAX_VARIABLES_BYTES = 64 * 1024;

const Text = z.string().min(1).max(10_000);
const ChannelText = z.strictObject({ text: Text });
const Instant = z.iso.datetime({ offset: true });

const TemplateKey = z.string().min(1).max(100);

/**
 * A LINE notification message (template), as `POST /v2/bot/message/pnp/templated/push` takes it, within LINE's
 * documented limits; LINE's keys are fixed by the template, the contents and URLs are the message's own.
 */
const LinePnpTemplate = z
  .strictObject({
    templateKey: TemplateKey.meta({ description: 'The LINE template to fill, e.g. shipment_completed_ja' }),
    emphasizedItem: z
      .strictObject({
        itemKey: TemplateKey,
        content: z.string().min(1).max(LINE_LIMITS.pnpEmphasizedItemMaxCharacters),
      })
      .optional()
      .meta({ description: 'The large item at the top' }),
    items: z
      .array(
        z.strictObject({
          itemKey: TemplateKey,
          content: z.string().min(1).max(LINE_LIMITS.pnpItemMaxCharacters),
        }),
      )
      .max(LINE_LIMITS.pnpMaxItems)
      .optional()
      .meta({ description: 'Each itemKey at most once, emphasizedItem included' }),
    buttons: z
      .array(
        z.strictObject({
          buttonKey: TemplateKey,
          url: z.url({ protocol: /^https?$/ }).max(LINE_LIMITS.pnpButtonUrlMaxCharacters),
        }),
      )
      .max(LINE_LIMITS.pnpMaxButtons)
      .optional()
      .meta({ description: 'Each buttonKey at most once' }),
  })
  .superRefine((t, ctx) => {
    const items = new Set(t.emphasizedItem ? [t.emphasizedItem.itemKey] : []);
    t.items?.forEach((item, i) => {
      if (items.has(item.itemKey))
        ctx.addIssue({ code: 'custom', path: ['items', i, 'itemKey'], message: 'itemKey used twice' });
      items.add(item.itemKey);
    });
    const buttons = new Set<string>();
    t.buttons?.forEach((button, i) => {
      if (buttons.has(button.buttonKey))
        ctx.addIssue({ code: 'custom', path: ['buttons', i, 'buttonKey'], message: 'buttonKey used twice' });
      buttons.add(button.buttonKey);
    });
  });
export type LinePnpTemplateInput = z.output<typeof LinePnpTemplate>;

/** The body of POST /v1/messages, and of each item of a batch. */
export const MessageBody = z.strictObject({
  to: z
    .strictObject({
      phone: z
        .string()
        .min(1)
        .max(40)
        .optional()
        .meta({ description: 'Any everyday form: 090-1234-5678, +81 90 1234 5678, …' }),
      lineUserId: z
        .string()
        .regex(/^U[0-9a-f]{32}$/, 'must be a LINE user ID: U and 32 hexadecimal digits')
        .optional(),
      email: z.email().max(254).optional(),
      timeZone: z.string().min(1).max(64).optional().meta({
        description: 'The recipient IANA time zone for send windows (default Asia/Tokyo)',
      }),
      optedInAt: Instant.optional().meta({
        description:
          'When the recipient opted in to these messages: required for SMS and e-mail of purposes that need consent',
      }),
    })
    .meta({
      description: 'The recipient. Each route step needs its own address: phone for sms and line_pnp.',
    }),
  purpose: z
    .string()
    .min(1)
    .max(64)
    .meta({ description: 'Why the message is sent: one of the configured purposes' }),
  route: z
    .union([z.string().min(1).max(64), z.strictObject({ steps: z.array(RouteStepInput).min(1).max(8) })])
    .meta({ description: 'A configured route name, or steps given inline' }),
  text: Text.optional().meta({ description: 'The text for every channel without its own content' }),
  content: z
    .strictObject({
      line_pnp: z
        .strictObject({ text: Text.optional(), template: LinePnpTemplate.optional() })
        .refine(
          (c) => (c.text === undefined) !== (c.template === undefined),
          'give text or template, not both',
        )
        .optional()
        .meta({
          description:
            'A flexible notification message (text) or a LINE notification message (template): one of the two',
        }),
      line_push: ChannelText.optional(),
      sms: ChannelText.optional(),
      email: z
        .strictObject({
          subject: z.string().min(1).max(998),
          text: Text.optional(),
          html: z.string().min(1).max(100_000).optional(),
        })
        .optional(),
    })
    .optional(),
  template: z
    .union([
      z.string().min(1).max(64),
      z.strictObject({ id: z.string().min(1).max(64), version: z.int().min(1).optional() }),
    ])
    .optional()
    .meta({
      description:
        'A stored template, by name or as { id, version } (default: its latest version), rendered at acceptance instead of text/content',
    }),
  variables: z
    .record(z.string(), z.unknown())
    .refine(
      (v) => Buffer.byteLength(JSON.stringify(v)) <= MAX_VARIABLES_BYTES,
      'must be at most 64 KB as JSON',
    )
    .optional()
    .meta({ description: 'Values for the template variables' }),
  sendAt: Instant.optional().meta({ description: 'Not before this time (ISO 8601 with offset)' }),
  expiresAt: Instant.optional().meta({
    description: 'Give up if not delivered by then (ISO 8601 with offset)',
  }),
  priority: z.enum(['realtime', 'bulk']).default('realtime'),
  metadata: z
    .record(z.string(), z.unknown())
    .refine(
      (m) => Buffer.byteLength(JSON.stringify(m)) <= MAX_METADATA_BYTES,
      'must be at most 16 KB as JSON',
    )
    .optional(),
  idempotencyKey: z.string().min(1).max(255).optional().meta({
    description: 'Same key and body: the original message; also accepted as the Idempotency-Key header',
  }),
});
export type MessageBody = z.output<typeof MessageBody>;

export const BatchBody = z.strictObject({
  items: z
    .array(z.unknown())
    .min(1)
    .meta({
      description: `Up to ${MAX_BATCH} message bodies as for POST /v1/messages, each checked on its own`,
    }),
});

export const MessageParams = z.object({ id: z.string().min(1).max(64) });

export const ListQuery = z.object({
  status: z.enum(MESSAGE_STATUSES).optional(),
  purpose: z.string().max(64).optional(),
  phone: z.string().max(40).optional(),
  campaign: z.string().max(64).optional(),
  from: Instant.optional().meta({ description: 'Created at or after' }),
  to: Instant.optional().meta({ description: 'Created before' }),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(64).optional().meta({ description: 'nextCursor of the previous page' }),
});
