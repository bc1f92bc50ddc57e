import { ApiError } from '../api/api-error.js';
import type { PrepareContext } from '../api/prepare-message.js';
import type { ResolvedTemplate } from '../api/template-resolver.js';
import type { Channel } from '../core/channels.js';
import { purposeClass, type PurposeClass } from '../core/purposes.js';
import { isKnownUnreachable } from '../core/reachability.js';
import { CHANNEL_ADDRESS, addressHmac } from '../core/suppression.js';
import type {
  CampaignRecipientRecord,
  CampaignRecord,
  CampaignReport,
  ExclusionEntry,
  RecipientChange,
} from '../store/campaign-records.js';
import type { NewMessage } from '../store/records.js';
import type { CampaignDeps } from './campaign-deps.js';
import { CampaignError, campaignChanged, campaignNotFound, wrongStatus } from './campaign-errors.js';
import { changeCampaign, moved } from './change-campaign.js';
import { campaignPurpose } from './create-campaign.js';
import { EstimateTally, firstStep } from './estimate.js';
import { messageForRecipient } from './message-for-recipient.js';

/** Recipients checked per round of store lookups. */
const PAGE = 2_000;
/** How many recent campaigns are compared with this one's file. */
const SAME_FILE_LOOKBACK = 500;

/** What validation needs at hand for every page. */
interface Checks {
  campaign: CampaignRecord;
  template: ResolvedTemplate;
  cls: PurposeClass;
  /** Imports of the campaigns whose delivered recipients are left out. */
  receivedImports: string[];
  ctx: PrepareContext;
  now: number;
}

function exclusionEntries(r: CampaignRecipientRecord): ExclusionEntry[] {
  const entries: ExclusionEntry[] = [];
  if (r.phoneHmac !== null) entries.push({ kind: 'phone', value: r.phoneHmac });
  if (r.externalId !== null) entries.push({ kind: 'external_id', value: r.externalId });
  return entries;
}

/** The address HMAC each channel of a message would be suppressed under, as the engine looks it up. */
function addressesOf(secret: string, m: NewMessage, channels: readonly Channel[]): Map<Channel, string> {
  const addresses = new Map<Channel, string>();
  for (const channel of channels) {
    const kind = CHANNEL_ADDRESS[channel];
    const address = kind === 'phone' ? m.phone : kind === 'lineUserId' ? m.lineUserId : m.email;
    if (address === null) continue;
    addresses.set(channel, kind === 'phone' ? m.phoneHmac! : addressHmac(secret, kind, address));
  }
  return addresses;
}

/** The SMS text a recipient would get (the route's SMS, else its first text), for unit counts. */
function smsTextOf(m: NewMessage): string | null {
  const channels = m.content.channels ?? {};
  return channels.sms?.text ?? m.content.text ?? Object.values(channels)[0]?.text ?? null;
}

/**
 * Decides one page of recipients: each is excluded for the first reason that applies — `duplicate` (an earlier
 * row has the same address), `exclusion_list`, `already_received` (a named earlier campaign delivered to the
 * address), any reason its message could not be prepared (the API's problem code: missing_variable,
 * content_blocked, …), `suppressed` (opted out of every step) — or else counted as sendable for the estimate.
 */
async function checkPage(
  deps: CampaignDeps,
  checks: Checks,
  page: CampaignRecipientRecord[],
  tally: EstimateTally,
): Promise<RecipientChange[]> {
  const { store, config } = deps;
  const { campaign } = checks;
  const importId = campaign.importId!;
  const keys = page.flatMap((r) => (r.addressKey === null ? [] : [r.addressKey]));
  const [firstRows, excluded, received] = await Promise.all([
    store.campaigns.firstRowsByAddress(importId, keys),
    store.campaigns.matchExclusions(campaign.exclusions.listIds, page.flatMap(exclusionEntries)),
    store.campaigns.deliveredAddressKeys(checks.receivedImports, keys),
  ]);
  const onList = new Set(excluded.map((e) => `${e.kind}:${e.value}`));

  const channels = campaign.route.steps.map((s) => s.channel);
  const prepared = page.map((r) => {
    try {
      return messageForRecipient(campaign, r, checks.template, checks.ctx);
    } catch (error) {
      if (error instanceof ApiError) return error.code;
      throw error;
    }
  });
  const addresses = prepared.map((m) =>
    typeof m === 'string' ? null : addressesOf(config.secret, m, channels),
  );
  const suppressions = await store.findSuppressions(addresses.flatMap((a) => (a ? [...a.values()] : [])));
  const remembersLine = channels[0] === 'line_pnp' && channels.length > 1;
  const phones = page.flatMap((r) => (r.phoneHmac === null ? [] : [r.phoneHmac]));
  const memory = remembersLine ? await store.campaigns.findReachability(phones, 'line_pnp') : [];
  const unreachable = new Set(
    memory
      .filter((m) => isKnownUnreachable(m, checks.now, config.reachability.unreachableTtlMs))
      .map((m) => m.phoneHmac),
  );

  const changes: RecipientChange[] = [];
  page.forEach((r, i) => {
    const message = prepared[i]!;
    let reason: string | null = null;
    if (r.addressKey !== null && (firstRows.get(r.addressKey) ?? r.rowNumber) < r.rowNumber)
      reason = 'duplicate';
    else if (exclusionEntries(r).some((e) => onList.has(`${e.kind}:${e.value}`))) reason = 'exclusion_list';
    else if (r.addressKey !== null && received.has(r.addressKey)) reason = 'already_received';
    else if (typeof message === 'string') reason = message;
    else {
      const own = addresses[i]!;
      const suppressed = new Set(
        suppressions
          .filter((s) => s.purposeClass === checks.cls && own.get(s.channel) === s.addressHmac)
          .map((s) => s.channel),
      );
      const step = firstStep(
        campaign.route,
        (channel, index) =>
          suppressed.has(channel) || (index === 0 && remembersLine && unreachable.has(r.phoneHmac ?? '')),
      );
      if (channels.every((c) => suppressed.has(c))) reason = 'suppressed';
      else tally.add(step, smsTextOf(message));
    }
    const state = reason === null ? 'pending' : 'excluded';
    if (state !== r.state || reason !== r.reason) changes.push({ rowNumber: r.rowNumber, state, reason });
  });
  return changes;
}

/** Recent campaigns, other than this one and not canceled, that hold the very same file (by SHA-256). */
async function campaignsWithSameFile(deps: CampaignDeps, campaign: CampaignRecord): Promise<string[]> {
  const sha = campaign.imported?.sha256;
  if (!sha) return [];
  const recent = await deps.store.campaigns.list({ limit: SAME_FILE_LOOKBACK });
  return recent
    .filter((c) => c.id !== campaign.id && c.status !== 'canceled' && c.imported?.sha256 === sha)
    .map((c) => c.id);
}

/**
 * draft → validated: every recipient checked and either kept or excluded with its reason, every kept one's
 * message prepared as it will be sent, and the report (counts by reason, recipients by first step, cost against
 * SMS only) stored with the campaign. Refused with campaign_changed if the campaign changed meanwhile.
 */
export async function validateCampaign(
  deps: CampaignDeps,
  id: string,
  actor: string | null,
): Promise<CampaignRecord> {
  const { store, config, clock } = deps;
  const campaign = await store.campaigns.get(id);
  if (!campaign) throw campaignNotFound(id);
  if (campaign.status !== 'draft') throw wrongStatus('validate', campaign.status, ['draft']);
  if (campaign.importId === null) {
    throw new CampaignError(
      422,
      'no_recipients',
      '宛先がまだアップロードされていません / No recipients have been uploaded yet',
    );
  }
  const policy = campaignPurpose(campaign.purpose, campaign.route, config);
  const earlier = await Promise.all(campaign.exclusions.recipientsOf.map((c) => store.campaigns.get(c)));
  const checks: Checks = {
    campaign,
    template: await deps.templates.resolve({ id: campaign.template.id, version: campaign.template.version }),
    cls: purposeClass(policy),
    receivedImports: earlier.flatMap((c) => (c?.importId ? [c.importId] : [])),
    ctx: { config, clock, newId: deps.newId },
    now: clock.now(),
  };

  const tally = new EstimateTally(campaign.route);
  for (let after = 0; ;) {
    const page = await store.campaigns.listRecipients(campaign.importId, { afterRow: after, limit: PAGE });
    if (page.length === 0) break;
    await store.campaigns.setRecipientStates(campaign.importId, await checkPage(deps, checks, page, tally));
    after = page[page.length - 1]!.rowNumber;
  }

  const counts = await store.campaigns.countRecipients(campaign.importId);
  const sameFileAs = await campaignsWithSameFile(deps, campaign);
  const excluded: Record<string, number> = {};
  for (const c of counts) if (c.state === 'excluded') excluded[c.reason ?? 'unknown'] = c.count;
  const now = clock.now();
  const report: CampaignReport = {
    validatedAt: now,
    validatedBy: actor,
    recipients: counts.reduce((n, c) => n + c.count, 0),
    sendable: counts.filter((c) => c.state === 'pending').reduce((n, c) => n + c.count, 0),
    excluded,
    sameFileAs,
    estimate: tally.finish(config.accounts),
  };
  return changeCampaign(
    store,
    id,
    (c) => {
      if (c.version !== campaign.version) throw campaignChanged(campaign.version, c.version);
      return moved(c, 'validated', 'validate', actor, now, { report });
    },
    campaign.version,
  );
}
