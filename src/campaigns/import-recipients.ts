import { createHash } from 'node:crypto';
import type { CampaignMapping, CampaignRecord } from '../store/campaign-records.js';
import type { CampaignDeps } from './campaign-deps.js';
import type { ColumnMapping } from './import/index.js';
import type { EncodingChoice } from './import/index.js';
import { importCsv, type ImportProgress } from './import/index.js';
import { listChecks, stagedImport, type UploadResult } from './staged-import.js';

export { deleteImport, type UploadResult } from './staged-import.js';

export interface UploadMeta {
  fileName: string | null;
  encoding?: EncodingChoice | undefined;
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
 * Uploads a campaign's recipients from a CSV, all or nothing (stagedImport): the campaign takes the new list only
 * once the whole file is read; a file problem, an error or a crash leaves it on its earlier list.
 */
export async function importRecipients(
  deps: CampaignDeps,
  id: string,
  input: AsyncIterable<Uint8Array>,
  meta: UploadMeta,
  actor: string | null,
  onProgress?: (progress: ImportProgress) => void,
): Promise<UploadResult> {
  return stagedImport(deps, id, actor, async (staged, sink) => {
    const seen = { hash: createHash('sha256'), bytes: 0 };
    const summary = await importCsv(
      fingerprinted(input, seen),
      {
        ...(staged.mapping ? { mapping: staged.mapping } : {}),
        requiredVariables: await requiredVariables(deps, staged),
        ...listChecks(staged),
        ...(meta.encoding ? { encoding: meta.encoding } : {}),
      },
      sink,
      onProgress,
    );
    return {
      summary,
      imported: { fileName: meta.fileName, sha256: seen.hash.digest('hex'), bytes: seen.bytes },
      mapping: staged.mapping ?? (summary.mapping ? explicitMapping(summary.mapping) : null),
    };
  });
}
