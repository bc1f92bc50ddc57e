import { z } from 'zod';
import { CampaignError } from '../../campaigns/campaign-errors.js';
import { CAMPAIGN_STATUSES } from '../../campaigns/campaign-states.js';
import type { UploadResult } from '../../campaigns/staged-import.js';
import type { CampaignProgress, CampaignSummary } from '../../campaigns/campaign-progress.js';
import { RouteStepInput } from '../../config/route-steps.js';
import {
  RECIPIENT_STATES,
  type CampaignRecord,
  type ExclusionListRecord,
} from '../../store/campaign-records.js';

const Instant = z.iso.datetime({ offset: true });
const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');

export const MappingTarget = z.union([
  z.enum(['phone', 'name', 'lineUserId', 'email', 'externalId', 'ignore']),
  z.strictObject({ variable: z.string().min(1).max(64) }),
]);
const Mapping = z.record(z.string().min(1).max(200), MappingTarget).meta({
  description: 'Column header → phone, name, lineUserId, email, externalId, ignore or { variable }',
});

const Options = z.strictObject({
  startAt: Instant.optional().meta({ description: 'No message is created before this time' }),
  expiresAt: Instant.optional().meta({
    description: 'No message is created after this time, and every message gives up then',
  }),
  sendWindow: z
    .strictObject({ start: TimeOfDay, end: TimeOfDay, skipHolidays: z.boolean().default(false) })
    .nullable()
    .optional()
    .meta({ description: "Hours (Asia/Tokyo) in which messages are created; default the purpose's window" }),
  throttlePerMinute: z.int().min(1).max(600_000).optional().meta({ description: 'Default 1,000' }),
});

const Exclusions = z.strictObject({
  listIds: z.array(z.string().min(1).max(64)).max(50).optional(),
  recipientsOf: z.array(z.string().min(1).max(64)).max(50).optional().meta({
    description: 'Campaigns whose delivered recipients are left out (same phone, LINE user or e-mail)',
  }),
});

export const CreateCampaignBody = z.strictObject({
  name: z.string().min(1).max(200),
  template: z.union([
    z.string().min(1).max(64),
    z.strictObject({ id: z.string().min(1).max(64), version: z.int().min(1).optional() }),
  ]),
  route: z.union([
    z.string().min(1).max(64),
    z.strictObject({ steps: z.array(RouteStepInput).min(1).max(8) }),
  ]),
  purpose: z.string().min(1).max(64),
  options: Options.optional(),
  mapping: Mapping.optional(),
  exclusions: Exclusions.optional(),
});

export const UpdateCampaignBody = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  options: Options.optional(),
  exclusions: Exclusions.optional(),
});

export const MappingBody = z.strictObject({ mapping: Mapping.nullable() });

/** Optional body of the lifecycle actions: the version the operator looked at. */
export const ActionBody = z
  .strictObject({
    version: z.int().min(0).optional().meta({
      description: 'The campaign version you reviewed: refused with campaign_changed if it changed since',
    }),
  })
  .optional();

export const CampaignParams = z.object({ id: z.string().min(1).max(64) });

export const UploadQuery = z.object({
  fileName: z.string().max(255).optional(),
  encoding: z.enum(['auto', 'utf-8', 'cp932']).default('auto').meta({
    description: 'For files without a BOM: auto (UTF-8, else Shift_JIS/CP932), utf-8 or cp932',
  }),
});

export const ExclusionUploadQuery = UploadQuery.extend({ name: z.string().min(1).max(200).optional() });

export const ExportQuery = z.object({
  encoding: z.enum(['utf-8', 'shift_jis']).default('utf-8'),
});

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(64).optional(),
});

export const RecipientsQuery = z.object({
  state: z.enum(RECIPIENT_STATES).optional(),
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const Time = z.string().nullable().meta({ description: 'ISO 8601' });

export const CampaignView = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  version: z.number(),
  purpose: z.string(),
  route: z.unknown(),
  template: z.object({ id: z.string(), name: z.string(), version: z.number() }),
  options: z.unknown(),
  mapping: z.unknown(),
  exclusions: z.object({ listIds: z.array(z.string()), recipientsOf: z.array(z.string()) }),
  imported: z
    .unknown()
    .meta({ description: 'The current recipient file: name, SHA-256, counts, who uploaded it' }),
  report: z
    .unknown()
    .meta({ description: 'The validation report: exclusions by reason and the cost estimate' }),
  createdBy: z.string().nullable(),
  createdAt: Time,
  updatedAt: Time,
  approvalRequestedBy: z.string().nullable(),
  approvalRequestedAt: Time,
  approvedBy: z.string().nullable(),
  approvedAt: Time,
  startedAt: Time,
  finishedAt: Time,
  history: z.array(z.unknown()),
  progress: z.unknown().optional(),
  summary: z.unknown().optional(),
});

export function campaignView(
  c: CampaignRecord,
  extra: { progress?: CampaignProgress; summary?: CampaignSummary } = {},
): z.input<typeof CampaignView> {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    version: c.version,
    purpose: c.purpose,
    route: {
      name: c.route.name,
      steps: c.route.steps.map((s) => ({
        channel: s.channel,
        accounts: s.accounts,
        fallbackAfterMs: s.fallbackAfterMs,
      })),
    },
    template: c.template,
    options: {
      startAt: iso(c.options.startAt),
      expiresAt: iso(c.options.expiresAt),
      sendWindow: c.options.sendWindow,
      throttlePerMinute: c.options.throttlePerMinute,
    },
    mapping: c.mapping,
    exclusions: c.exclusions,
    imported: c.imported && { ...c.imported, importedAt: iso(c.imported.importedAt) },
    report: c.report && { ...c.report, validatedAt: iso(c.report.validatedAt) },
    createdBy: c.createdBy,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    approvalRequestedBy: c.approvalRequestedBy,
    approvalRequestedAt: iso(c.approvalRequestedAt),
    approvedBy: c.approvedBy,
    approvedAt: iso(c.approvedAt),
    startedAt: iso(c.startedAt),
    finishedAt: iso(c.finishedAt),
    history: c.history.map((h) => ({ ...h, at: iso(h.at) })),
    ...(extra.progress
      ? { progress: { ...extra.progress, nextCreateAt: iso(extra.progress.nextCreateAt) } }
      : {}),
    ...(extra.summary ? { summary: extra.summary } : {}),
  };
}

export const ExclusionListView = z.object({
  id: z.string(),
  name: z.string(),
  phones: z.number(),
  externalIds: z.number(),
  createdBy: z.string().nullable(),
  createdAt: Time,
  invalidPhones: z.number().optional(),
  rows: z.number().optional(),
});

export function exclusionListView(
  l: ExclusionListRecord,
  extra: { invalidPhones?: number; rows?: number } = {},
) {
  return { ...l, createdAt: iso(l.createdAt), ...extra };
}

/**
 * The answer to a recipients import (a CSV upload or a segment): the campaign, the import report (with `extra`,
 * e.g. the file's encoding and mapping) and the first problems; or, when the list could not be used at all,
 * 422 `import_failed` carrying the same report.
 */
export function importAnswer(result: UploadResult, extra: Record<string, unknown> = {}) {
  const { summary } = result;
  const report = {
    rows: summary.rows,
    accepted: summary.accepted,
    rejected: summary.rejected,
    duplicates: summary.duplicates,
    errors: summary.errors,
    warnings: summary.warnings,
    problemsByCode: summary.problemsByCode,
    ...extra,
  };
  if (!result.ok) {
    const problem = summary.fileProblem!;
    throw new CampaignError(422, 'import_failed', `${problem.messageJa} / ${problem.messageEn}`, {
      fileProblem: problem,
      import: report,
      problems: result.problems,
    });
  }
  return { campaign: campaignView(result.campaign), import: report, problems: result.problems };
}
