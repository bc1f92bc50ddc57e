import type { CampaignMapping, CampaignRecord } from '../store/campaign-records.js';
import type { CampaignDeps } from './campaign-deps.js';
import { CampaignError, wrongStatus } from './campaign-errors.js';
import { changeCampaign, moved } from './change-campaign.js';
import {
  campaignOptions,
  checkExclusions,
  type CampaignOptionsInput,
  type CreateCampaignInput,
} from './create-campaign.js';
import { deleteImport } from './import-recipients.js';

/** Who did it: the API key id of the operator. */
export type Actor = string | null;

/** Draft edits: name, mapping, options, exclusions. */
export interface DraftChanges {
  name?: string | undefined;
  mapping?: CampaignMapping | null | undefined;
  options?: CampaignOptionsInput | undefined;
  exclusions?: CreateCampaignInput['exclusions'];
}

/**
 * Edits a draft. A new column mapping drops the list uploaded with the old one: the list a campaign holds was
 * always read with the mapping it shows, so it must be uploaded again.
 */
export async function updateDraft(
  deps: CampaignDeps,
  id: string,
  changes: DraftChanges,
  actor: Actor,
): Promise<CampaignRecord> {
  const now = deps.clock.now();
  const exclusions = changes.exclusions ? await checkExclusions(deps, changes.exclusions) : undefined;
  let dropped: string | null = null;
  const updated = await changeCampaign(deps.store, id, (c) => {
    if (c.status !== 'draft') throw wrongStatus('edit', c.status, ['draft']);
    const remap =
      changes.mapping !== undefined && JSON.stringify(changes.mapping) !== JSON.stringify(c.mapping);
    dropped = remap ? c.importId : null;
    return {
      ...c,
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(remap ? { mapping: changes.mapping ?? null, importId: null, imported: null, report: null } : {}),
      ...(changes.options !== undefined ? { options: campaignOptions(changes.options, now) } : {}),
      ...(exclusions !== undefined ? { exclusions } : {}),
      updatedAt: now,
      history: [...c.history, { action: 'edit', by: actor, at: now, from: c.status, to: c.status }],
    };
  });
  if (dropped !== null) void deleteImport(deps.store.campaigns, dropped).catch(() => {});
  return updated;
}

/** validated → pending_approval: the list is frozen and waits for a second operator. */
export function requestApproval(deps: CampaignDeps, id: string, actor: Actor, expectVersion?: number) {
  const now = deps.clock.now();
  return changeCampaign(
    deps.store,
    id,
    (c) => {
      const next = moved(c, 'pending_approval', 'request-approval', actor, now, {
        approvalRequestedBy: actor,
        approvalRequestedAt: now,
      });
      if (!c.report || c.report.sendable === 0) {
        throw new CampaignError(
          422,
          'no_recipients',
          '送信できる宛先がありません（検証レポートを確認してください） / No recipient can be sent to: see the validation report',
        );
      }
      return next;
    },
    expectVersion,
  );
}

/** validated or pending_approval → draft: the validation and any request for approval are discarded. */
export function reopen(deps: CampaignDeps, id: string, actor: Actor) {
  const now = deps.clock.now();
  return changeCampaign(deps.store, id, (c) =>
    moved(c, 'draft', 'reopen', actor, now, {
      report: null,
      approvalRequestedBy: null,
      approvalRequestedAt: null,
    }),
  );
}

/** Actions that shape what is sent: whoever did any of them is a preparer and may not approve. */
const PREPARING_ACTIONS = ['create', 'upload', 'edit', 'add-exclusion-list', 'validate', 'request-approval'];

/**
 * pending_approval → approved, by a second operator: an API key other than any that created the campaign,
 * uploaded or edited its list, options or exclusions, validated it or asked for approval (four eyes). With
 * `expectVersion`, only the version the approver reviewed is approved.
 */
export function approve(deps: CampaignDeps, id: string, actor: Actor, expectVersion?: number) {
  const now = deps.clock.now();
  return changeCampaign(
    deps.store,
    id,
    (c) => {
      const preparers = new Set([
        c.createdBy,
        c.approvalRequestedBy,
        ...c.history.filter((h) => PREPARING_ACTIONS.includes(h.action)).map((h) => h.by),
      ]);
      if (actor === null || preparers.has(actor)) {
        throw new CampaignError(
          403,
          'same_approver',
          '承認は、作成・アップロード・編集・検証・承認依頼をした担当者とは別の担当者（別の API キー）が行ってください / A campaign must be approved by another operator: an API key other than any that created, uploaded, edited, validated it or asked for approval',
          { createdBy: c.createdBy, approvalRequestedBy: c.approvalRequestedBy },
        );
      }
      return moved(c, 'approved', 'approve', actor, now, { approvedBy: actor, approvedAt: now });
    },
    expectVersion,
  );
}

/** approved → scheduled: the runner starts it at its start time. */
export function start(deps: CampaignDeps, id: string, actor: Actor) {
  const now = deps.clock.now();
  return changeCampaign(deps.store, id, (c) => moved(c, 'scheduled', 'start', actor, now));
}

/** running → paused: no new messages; messages nobody has tried to send yet are held. */
export async function pause(deps: CampaignDeps, id: string, actor: Actor) {
  const now = deps.clock.now();
  const paused = await changeCampaign(deps.store, id, (c) => moved(c, 'paused', 'pause', actor, now));
  await deps.store.campaigns.holdMessages(id, now);
  return paused;
}

/** paused → running: held messages are due again at once, and new ones are created at the throttle rate. */
export async function resume(deps: CampaignDeps, id: string, actor: Actor) {
  const now = deps.clock.now();
  const running = await changeCampaign(deps.store, id, (c) => moved(c, 'running', 'resume', actor, now));
  if ((await deps.store.campaigns.releaseMessages(id, now)) > 0) deps.onAccepted?.();
  return running;
}

/**
 * Any status that is not final → canceled. Messages not yet sent are canceled at once (those an engine is sending
 * right now are canceled by the runner once it lets go of them); recipients not yet sent are closed by the runner.
 */
export async function cancel(deps: CampaignDeps, id: string, actor: Actor) {
  const now = deps.clock.now();
  const canceled = await changeCampaign(deps.store, id, (c) => {
    const hadMessages = ['scheduled', 'running', 'paused'].includes(c.status);
    return moved(c, 'canceled', 'cancel', actor, now, {
      settled: !hadMessages,
      finishedAt: hadMessages ? null : now,
    });
  });
  if (!canceled.settled) await deps.store.campaigns.cancelMessages(id, now);
  return canceled;
}
