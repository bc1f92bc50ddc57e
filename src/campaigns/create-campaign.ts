import { ApiError, validationFailed } from '../api/api-error.js';
import { CHANNEL_NAMES_JA } from '../api/message-content.js';
import type { TemplateRef } from '../api/template-resolver.js';
import type { TodokeConfig } from '../config/config.js';
import { resolveRouteSteps, type RouteStepInput } from '../config/route-steps.js';
import type { PurposePolicy } from '../core/purposes.js';
import type { Route } from '../core/route.js';
import { parseTimeOfDay, type SendWindow } from '../core/send-window.js';
import type { CampaignMapping, CampaignOptions, CampaignRecord } from '../store/campaign-records.js';
import type { CampaignDeps } from './campaign-deps.js';
import { CampaignError } from './campaign-errors.js';

export const DEFAULT_THROTTLE_PER_MINUTE = 1_000;

export interface CampaignOptionsInput {
  startAt?: string | undefined;
  expiresAt?: string | undefined;
  sendWindow?: SendWindow | null | undefined;
  throttlePerMinute?: number | undefined;
}

export interface CreateCampaignInput {
  name: string;
  template: TemplateRef;
  route: string | { steps: RouteStepInput[] };
  purpose: string;
  options?: CampaignOptionsInput | undefined;
  mapping?: CampaignMapping | undefined;
  exclusions?: { listIds?: string[] | undefined; recipientsOf?: string[] | undefined } | undefined;
}

export function resolveCampaignRoute(route: CreateCampaignInput['route'], config: TodokeConfig): Route {
  if (typeof route === 'string') {
    const named = Object.hasOwn(config.routes, route) ? config.routes[route] : undefined;
    if (named) return named;
    throw new ApiError(
      422,
      'unknown_route',
      `ルート "${route}" は設定されていません / No route named "${route}" is configured (configured: ${Object.keys(config.routes).join(', ') || '(none)'})`,
    );
  }
  const resolved = resolveRouteSteps(route.steps, config.accounts);
  if (resolved.ok) return { name: null, steps: resolved.steps };
  const problem = resolved.problems[0]!;
  throw new ApiError(
    422,
    'no_account_for_channel',
    `このチャネルに使えるアカウントがありません / route.steps.${problem.step}: ${problem.message}`,
  );
}

export function campaignPurpose(purpose: string, route: Route, config: TodokeConfig): PurposePolicy {
  const policy = Object.hasOwn(config.purposes, purpose) ? config.purposes[purpose] : undefined;
  if (!policy) {
    throw new ApiError(
      422,
      'unknown_purpose',
      `用途 "${purpose}" は設定されていません / The purpose "${purpose}" is not configured (allowed: ${Object.keys(config.purposes).join(', ')})`,
    );
  }
  for (const [i, step] of route.steps.entries()) {
    if (policy.channels.includes(step.channel)) continue;
    throw new ApiError(
      422,
      'channel_not_allowed',
      `用途 "${policy.name}" では ${CHANNEL_NAMES_JA[step.channel]} を使えません / The purpose "${policy.name}" may not use ${step.channel} (route step ${i})`,
      { step: i, channel: step.channel, allowed: policy.channels },
    );
  }
  return policy;
}

/** Options as stored, checked against `now`. */
export function campaignOptions(input: CampaignOptionsInput | undefined, now: number): CampaignOptions {
  const startAt = input?.startAt === undefined ? null : Date.parse(input.startAt);
  const expiresAt = input?.expiresAt === undefined ? null : Date.parse(input.expiresAt);
  if (expiresAt !== null && expiresAt <= now) {
    throw validationFailed([{ path: 'options.expiresAt', message: 'must be in the future' }]);
  }
  if (expiresAt !== null && startAt !== null && expiresAt <= startAt) {
    throw validationFailed([{ path: 'options.expiresAt', message: 'must be after options.startAt' }]);
  }
  const window = input?.sendWindow ?? null;
  if (window !== null) {
    const start = parseTimeOfDay(window.start);
    if (start === null || start === 1440 || parseTimeOfDay(window.end) === null) {
      throw validationFailed([{ path: 'options.sendWindow', message: 'start and end must be HH:MM' }]);
    }
  }
  return {
    startAt,
    expiresAt,
    sendWindow: window,
    throttlePerMinute: input?.throttlePerMinute ?? DEFAULT_THROTTLE_PER_MINUTE,
  };
}

/** Every exclusion list and earlier campaign named exists. */
export async function checkExclusions(
  deps: CampaignDeps,
  exclusions: CreateCampaignInput['exclusions'],
): Promise<CampaignRecord['exclusions']> {
  const listIds = [...new Set(exclusions?.listIds ?? [])];
  const recipientsOf = [...new Set(exclusions?.recipientsOf ?? [])];
  for (const id of listIds) {
    if (await deps.store.campaigns.getExclusionList(id)) continue;
    throw new CampaignError(
      404,
      'exclusion_list_not_found',
      `除外リスト "${id}" は見つかりません / No exclusion list with id "${id}"`,
    );
  }
  for (const id of recipientsOf) {
    if (await deps.store.campaigns.get(id)) continue;
    throw new CampaignError(
      404,
      'campaign_not_found',
      `除外に指定したキャンペーン "${id}" は見つかりません / The campaign "${id}" named in exclusions.recipientsOf does not exist`,
    );
  }
  return { listIds, recipientsOf };
}

/**
 * A new campaign in draft: route, purpose and template checked and pinned (the template version and the route's
 * steps as they are now), so what is approved later is what is sent.
 */
export async function createCampaign(
  deps: CampaignDeps,
  input: CreateCampaignInput,
  actor: string | null,
): Promise<CampaignRecord> {
  const { config, clock } = deps;
  const route = resolveCampaignRoute(input.route, config);
  campaignPurpose(input.purpose, route, config);
  const resolved = await deps.templates.resolve(input.template);
  for (const step of route.steps) {
    if (resolved.compiled.fields[step.channel]) continue;
    throw new ApiError(
      422,
      'missing_content',
      `テンプレート "${resolved.template.name}" に ${CHANNEL_NAMES_JA[step.channel]} の本文がありません / Template "${resolved.template.name}" version ${resolved.version.version} has no ${step.channel} content for the route`,
    );
  }
  const now = clock.now();
  const campaign: CampaignRecord = {
    id: deps.newId(),
    name: input.name,
    status: 'draft',
    version: 0,
    purpose: input.purpose,
    route,
    template: {
      id: resolved.template.id,
      name: resolved.template.name,
      version: resolved.version.version,
    },
    options: campaignOptions(input.options, now),
    mapping: input.mapping ?? null,
    exclusions: await checkExclusions(deps, input.exclusions),
    importId: null,
    stagingImportId: null,
    imported: null,
    report: null,
    createdBy: actor,
    createdAt: now,
    updatedAt: now,
    approvalRequestedBy: null,
    approvalRequestedAt: null,
    approvedBy: null,
    approvedAt: null,
    startedAt: null,
    finishedAt: null,
    settled: false,
    history: [{ action: 'create', by: actor, at: now, from: 'draft', to: 'draft' }],
  };
  await deps.store.campaigns.create(campaign);
  return campaign;
}
