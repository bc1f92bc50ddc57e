import type { CampaignImportSummary, CampaignMapping, CampaignRecord } from '../store/campaign-records.js';
import type { CampaignStore } from '../store/campaign-store.js';
import type { CampaignDeps } from './campaign-deps.js';
import { campaignChanged, wrongStatus } from './campaign-errors.js';
import { changeCampaign } from './change-campaign.js';
import type { RowProblem } from './imported-recipient.js';
import type { ImportSummary } from './import/index.js';
import { RecipientSink } from './recipient-sink.js';

/** Rows removed per store call when an import is thrown away. */
const DELETE_CHUNK = 20_000;

/** Removes every row of an import, a chunk per call. */
export async function deleteImport(store: CampaignStore, importId: string): Promise<void> {
  while ((await store.deleteImport(importId, DELETE_CHUNK)) > 0);
}

export interface UploadResult {
  /** False when the list could not be used at all (summary.fileProblem): the campaign kept its earlier list. */
  ok: boolean;
  campaign: CampaignRecord;
  summary: ImportSummary;
  /** The first problems found, for the answer; every problem is in the problems download. */
  problems: RowProblem[];
}

/** What a filled import says about where its list came from; the rest of the summary is counted here. */
export interface FilledImport {
  summary: ImportSummary;
  imported: Pick<CampaignImportSummary, 'fileName' | 'sha256' | 'bytes' | 'source'>;
  /** The mapping to keep on the campaign (a CSV's, for its next upload); undefined leaves the campaign's as it is. */
  mapping?: CampaignMapping | null;
}

/** Numbers without SMS (landlines, 050) are errors when the route texts or uses LINE by number: for every list. */
export function listChecks(campaign: CampaignRecord): { notSmsCapable: 'error' | 'warning' } {
  const route = campaign.route.steps.map((s) => s.channel);
  return { notSmsCapable: route.includes('sms') || route.includes('line_pnp') ? 'error' : 'warning' };
}

/**
 * Gives a draft campaign a new list, all or nothing, by staging and swapping: `fill` writes the rows into a sink
 * under a new import id that the campaign records as staging first; only when the whole list is written does a
 * compare-and-set point the campaign at the new import. A file problem, an error or a crash leaves the campaign
 * on its earlier list; the staged rows are removed (after a crash: by the next upload, which finds them as
 * staging). A CSV upload and a segment both come in this way.
 */
export async function stagedImport(
  deps: CampaignDeps,
  id: string,
  actor: string | null,
  fill: (staged: CampaignRecord, sink: RecipientSink) => Promise<FilledImport>,
): Promise<UploadResult> {
  const { store } = deps;
  const importId = deps.newId();
  let abandoned: string | null = null;
  const staged = await changeCampaign(store, id, (c) => {
    if (c.status !== 'draft') throw wrongStatus('upload recipients to', c.status, ['draft']);
    abandoned = c.stagingImportId;
    return { ...c, stagingImportId: importId, updatedAt: deps.clock.now() };
  });
  if (abandoned !== null) await deleteImport(store.campaigns, abandoned);

  const sink = new RecipientSink(store.campaigns, importId, deps.config.secret);
  let filled: FilledImport;
  try {
    filled = await fill(staged, sink);
    await sink.flush();
  } catch (error) {
    await deleteImport(store.campaigns, importId);
    throw error;
  }
  const { summary } = filled;

  if (summary.fileProblem) {
    await deleteImport(store.campaigns, importId);
    const campaign = (await store.campaigns.get(id)) ?? staged;
    return { ok: false, campaign, summary, problems: sink.problems.first };
  }

  try {
    await store.campaigns.indexAddresses(importId);
  } catch (error) {
    await deleteImport(store.campaigns, importId);
    throw error;
  }
  const now = deps.clock.now();
  const swapped = await store.campaigns.update(
    {
      ...staged,
      importId,
      stagingImportId: null,
      mapping: filled.mapping === undefined ? staged.mapping : filled.mapping,
      imported: {
        importId,
        ...filled.imported,
        recipients: sink.counts.recipients,
        errors: summary.errors,
        warnings: summary.warnings,
        problemCodes: summary.problemsByCode,
        importedBy: actor,
        importedAt: now,
      },
      report: null,
      updatedAt: now,
      history: [...staged.history, { action: 'upload', by: actor, at: now, from: 'draft', to: 'draft' }],
    },
    staged.version,
  );
  if (!swapped) {
    // Another upload or edit came in meanwhile: this list is not the campaign's.
    await deleteImport(store.campaigns, importId);
    const current = await store.campaigns.get(id);
    throw campaignChanged(staged.version, current?.version ?? staged.version);
  }
  if (staged.importId !== null) {
    // The earlier list is no longer referenced; removing it is housekeeping and may finish later.
    void deleteImport(store.campaigns, staged.importId).catch(() => {});
  }
  return { ok: true, campaign: swapped, summary, problems: sink.problems.first };
}
