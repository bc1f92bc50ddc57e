import { z } from 'zod';
import {
  conditionProblem,
  FILTER_OPS,
  MAX_IN_VALUES,
  type FilterCondition,
  type SegmentFilter,
} from '../../core/segment-filter.js';
import type { SegmentRecord } from '../../store/contact-records.js';
import { ApiError, fieldErrors, validationFailed } from '../api-error.js';

const MAX_ITEMS = 100;

const Scalar = z.union([z.string().max(1_000), z.number(), z.boolean()]);
const Value = z.union([Scalar, z.array(Scalar).max(MAX_IN_VALUES)]).meta({
  description: 'A value, a list (in, not_in) or [low, high] (between); none for exists and not_exists',
});
const Attribute = z.string().min(1).max(100).meta({
  description:
    'An attribute (age, prefecture, attributes.name for one named like a field) or a field: name, phone, email, externalId, hasLine',
});

type Ctx = z.core.$RefinementCtx;

/** A condition's own checks: a condition has attribute and op; the operator decides what value it takes. */
function checkCondition(
  item: { attribute?: string | undefined; op?: string | undefined; value?: unknown },
  ctx: Ctx,
) {
  if (item.attribute === undefined)
    ctx.addIssue({ code: 'custom', path: ['attribute'], message: 'required' });
  if (item.op === undefined) ctx.addIssue({ code: 'custom', path: ['op'], message: 'required' });
  if (item.attribute === undefined || item.op === undefined) return;
  const problem = conditionProblem(item as FilterCondition);
  if (problem !== null) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
}

const isGroup = (item: { all?: unknown; any?: unknown }) => item.all !== undefined || item.any !== undefined;

/** An item inside a group: a condition only (filters nest one level). */
const GroupCondition = z
  .strictObject({
    attribute: Attribute.optional(),
    op: z.enum(FILTER_OPS).optional(),
    value: Value.optional(),
    all: z.unknown().optional(),
    any: z.unknown().optional(),
  })
  .superRefine((item, ctx) => {
    if (isGroup(item)) {
      ctx.addIssue({ code: 'custom', message: 'filters nest one level only: a group holds conditions' });
      return;
    }
    checkCondition(item, ctx);
  })
  .meta({ description: '{ attribute, op, value? }' });

/** A top-level item: a condition, or a group `{ all: [...] }` / `{ any: [...] }` of conditions. */
const Item = z
  .strictObject({
    attribute: Attribute.optional(),
    op: z.enum(FILTER_OPS).optional(),
    value: Value.optional(),
    all: z.array(GroupCondition).max(MAX_ITEMS).optional(),
    any: z.array(GroupCondition).min(1).max(MAX_ITEMS).optional(),
  })
  .superRefine((item, ctx) => {
    if (!isGroup(item)) return checkCondition(item, ctx);
    if (item.all !== undefined && item.any !== undefined)
      ctx.addIssue({ code: 'custom', message: 'a group is { all: [...] } or { any: [...] }, not both' });
    if (item.attribute !== undefined || item.op !== undefined || item.value !== undefined)
      ctx.addIssue({ code: 'custom', message: 'an item is a condition or a group, not both' });
  })
  .meta({
    description: '{ attribute, op, value? } or a group { all: [conditions] } / { any: [conditions] }',
  });

/** `{ all: [...] }` (every item holds; empty: every contact) or `{ any: [...] }` (at least one does). */
export const SegmentFilterBody = z
  .strictObject({
    all: z.array(Item).max(MAX_ITEMS).optional(),
    any: z.array(Item).min(1).max(MAX_ITEMS).optional(),
  })
  .superRefine((filter, ctx) => {
    if ((filter.all === undefined) === (filter.any === undefined))
      ctx.addIssue({ code: 'custom', message: 'a filter is { all: [...] } or { any: [...] }' });
  })
  .meta({
    description:
      'Operators: eq, ne, in, not_in, gt, gte, lt, lte, between, exists, not_exists, prefix. Numbers compare as numbers when both sides read as numbers ("35" gte 30).',
  });

export const SegmentBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2_000).nullable().optional(),
  filter: SegmentFilterBody,
});

export const UpdateSegmentBody = SegmentBody.extend({
  version: z.int().min(0).meta({
    description: 'The version you read: refused with 409 segment_changed if the segment changed since',
  }),
});

/**
 * The body checked against `schema`; a problem in the filter is 422 invalid_filter (each with its path, e.g.
 * `filter.all.0.value`), any other 422 validation_failed.
 */
export function parseSegmentBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const errors = fieldErrors(parsed.error.issues);
  if (errors.some((e) => e.path === 'filter' || e.path.startsWith('filter.'))) {
    const summary = errors
      .slice(0, 5)
      .map((e) => (e.path ? `${e.path}: ${e.message}` : e.message))
      .join('; ');
    throw new ApiError(
      422,
      'invalid_filter',
      `セグメントの条件が正しくありません / The segment filter is not valid: ${summary}`,
      { errors },
    );
  }
  throw validationFailed(errors);
}

/** The filter as validated: the schema's loose shape has been checked to be a SegmentFilter. */
export const asFilter = (filter: z.output<typeof SegmentFilterBody>) => filter as unknown as SegmentFilter;

export const SegmentParams = z.object({ id: z.string().min(1).max(200) });

export const SegmentListQuery = z.object({
  name: z.string().max(200).optional().meta({ description: 'Only the segment with this name' }),
});

export const PreviewQuery = z.object({
  limit: z.coerce.number().int().min(0).max(100).default(20),
});

const Time = z.string().meta({ description: 'ISO 8601' });

export const SegmentView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  filter: z.unknown(),
  createdBy: z.string().nullable(),
  createdAt: Time,
  updatedAt: Time,
  version: z.number(),
});

export function segmentView(s: SegmentRecord): z.input<typeof SegmentView> {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    filter: s.filter,
    createdBy: s.createdBy,
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
    version: s.version,
  };
}
