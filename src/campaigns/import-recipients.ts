import { createHash } from 'node:crypto';
import type { CampaignMapping, CampaignRecord } from '../store/campaign-records.js';
import type { CampaignStore } from '../store/campaign-store.js';
import type { CampaignDeps } from './campaign-deps.js';
import { campaignChanged, wrongStatus } from './campaign-errors.js';
import { changeCampaign } from './change-campaign.js';
import type { RowProblem } from './imported-recipient.js';
import type { ColumnMapping } from './import/index.js';
import type { EncodingChoice } from './import/index.js';
import { importCsv, type ImportProgress, type ImportSummary } from './import/index.js';
import { RecipientSink } from './recipient-sink.js';

/** Rows removed per store call when an import is thrown away. */
const DELETE_CHUNK = 20_000;

export interface UploadMeta {
  fileName: string | null;
  encoding?: EncodingChoice | undefined;
}

export interface UploadResult {
  /** False when the file could not be used at all (summary.fileProblem): the campaign kept its earlier list. */
  ok: boolean;
  campaign: CampaignRecord;
  summary: ImportSummary;
  /** The first problems found, for the answer; every problem is in the problems download. */
  problems: RowProblem[];
}

/** Removes every row of an import, a chunk per call. */
export async function deleteImport(store: CampaignStore, importId: string): Promise<void> {
  while ((await store.deleteImport(importId, DELETE_CHUNK)) > 0);
}

/** The mapping an import used, as header → target, to show and to reuse on the next upload. */
export function explicitMapping(mapping: ColumnMapping): CampaignMapping {
  return Object.fromEntries(mapping.map((c) => [c.header, c.target]));
}

/** Top-level variables the template needs on the route's channels; `name` may come from the name column. */
export async function requiredVariables(deps: CampaignDeps, campaign: CampaignRecord): Promise<string[]> {
  const resolved = await deps.templates.resolve({
    id: campaign.template.id,
    version: campaign.template.version,
  });
  const names = new Set<string>();
  for (const step of campaign.route.steps) {
    for (const keys of resolved.compiled.requiredKeys[step.channel] ?? []) if (keys[0]) names.add(keys[0]);
  }
  names.delete('name');
  return [...names];
}

/** The bytes as they pass, hashed and counted: the approver sees which file was uploaded. */
async function* fingerprinted(
  input: AsyncIterable<Uint8Array>,
  seen: { hash: ReturnType<typeof createHash>; bytes: number },
): AsyncGenerator<Uint8Array> {
  for await (const chunk of input) {
    seen.hash.update(chunk);
    seen.bytes += chunk.length;
    yield chunk;
  }
}

/**
 * Uploads a campaign's recipients, all or nothing, by staging and swapping: the rows are written under a new
 * import id that the campaign records as staging first; only when the whole file is read does a compare-and-set
 * point the campaign at the new import. A file problem, an error or a crash leaves the campaign on its earlier
 * list; the staged rows are removed (after a crash: by the next upload, which finds them as staging).
 */
export async function importRecipients(
  deps: CampaignDeps,
  id: string,
  input: AsyncIterable<Uint8Array>,
  meta: UploadMeta,
  actor: string | null,
  onProgress?: (progress: ImportProgress) => void,
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

  const route = staged.route.steps.map((s) => s.channel);
  const sink = new RecipientSink(store.campaigns, importId, deps.config.secret);
  const seen = { hash: createHash('sha256'), bytes: 0 };
  let summary: ImportSummary;
  try {
    summary = await importCsv(
      fingerprinted(input, seen),
      {
        ...(staged.mapping ? { mapping: staged.mapping } : {}),
        requiredVariables: await requiredVariables(deps, staged),
        notSmsCapable: route.includes('sms') || route.includes('line_pnp') ? 'error' : 'warning',
        ...(meta.encoding ? { encoding: meta.encoding } : {}),
      },
      sink,
      onProgress,
    );
    await sink.flush();
  } catch (error) {
    await deleteImport(store.campaigns, importId);
    throw error;
  }

  if (summary.fileProblem) {
    await deleteImport(store.campaigns, importId);
    const campaign = (await store.campaigns.get(id)) ?? staged;
    return { ok: false, campaign, summary, problems: sink.firstProblems };
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
      mapping: staged.mapping ?? (summary.mapping ? explicitMapping(summary.mapping) : null),
      imported: {
        importId,
        fileName: meta.fileName,
        sha256: seen.hash.digest('hex'),
        bytes: seen.bytes,
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
    // Another upload or edit came in meanwhile: this file is not the campaign's list.
    await deleteImport(store.campaigns, importId);
    const current = await store.campaigns.get(id);
    throw campaignChanged(staged.version, current?.version ?? staged.version);
  }
  if (staged.importId !== null) {
    // The earlier list is no longer referenced; removing it is housekeeping and may finish later.
    void deleteImport(store.campaigns, staged.importId).catch(() => {});
  }
  return { ok: true, campaign: swapped, summary, problems: sink.firstProblems };
}
