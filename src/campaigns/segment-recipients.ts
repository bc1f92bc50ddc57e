import { createHash } from 'node:crypto';
import type { ContactRecord } from '../core/contact.js';
import type { CompiledTemplate } from '../core/templates/index.js';
import { matchingContacts } from '../contacts/segment-contacts.js';
import { findSegment } from '../contacts/segment-actions.js';
import type { CampaignRecord } from '../store/campaign-records.js';
import type { CampaignDeps } from './campaign-deps.js';
import { importRows, type CsvRow, type ExplicitMapping } from './import/index.js';
import { requiredVariables } from './import-recipients.js';
import { listChecks, stagedImport, type UploadResult } from './staged-import.js';

/** The columns a contact is written as; template variables follow as `attributes.<name>`. */
const FIELD_COLUMNS = ['phone', 'name', 'email', 'lineUserId', 'externalId'] as const;
const ATTRIBUTE_COLUMN = 'attributes.';

/**
 * Variables the template reads on the campaign's route (required or optional), by their top-level name; `name`
 * comes from the contact's name, as from a CSV's name column.
 */
export function templateVariables(compiled: CompiledTemplate, campaign: CampaignRecord): string[] {
  const names = new Set<string>();
  for (const step of campaign.route.steps) {
    for (const keys of compiled.requiredKeys[step.channel] ?? []) if (keys[0]) names.add(keys[0]);
  }
  for (const optional of compiled.optional) names.add(optional.split(/[.[]/)[0]!);
  names.delete('name');
  return [...names].sort();
}

/** A contact as a row: its fields, its first linked LINE user ID, then the template's variables from its attributes. */
function contactFields(c: ContactRecord, variables: readonly string[]): string[] {
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return [
    text(c.phone),
    text(c.name),
    text(c.email),
    text(c.lineUserIds[0]),
    text(c.externalId),
    ...variables.map((v) => text(c.attributes[v])),
  ];
}

/**
 * Fills a draft campaign's list from a segment of the contact store, through the same staged-and-swapped import
 * and the same row checks as a CSV upload: phones normalised, numbers without SMS, variables the template needs,
 * duplicates by address reported and sent once. The matching contacts become rows 1..N in contact id order
 * (streamed a page at a time); template variables come from their attributes and `name` from their name; the
 * first linked LINE user ID is the recipient's LINE user ID; the customer ID flows to the results export.
 *
 * The campaign records the list as `segment:<name>` with the segment's id, version and match count, and a
 * SHA-256 of the rows, so a second campaign from the same unchanged contacts is flagged as the same list.
 */
export async function recipientsFromSegment(
  deps: CampaignDeps,
  campaignId: string,
  segmentIdOrName: string,
  actor: string | null,
): Promise<UploadResult> {
  const segment = await findSegment(deps, segmentIdOrName);
  return stagedImport(deps, campaignId, actor, async (staged, sink) => {
    const template = await deps.templates.resolve({
      id: staged.template.id,
      version: staged.template.version,
    });
    const variables = templateVariables(template.compiled, staged);
    const headers = [...FIELD_COLUMNS, ...variables.map((v) => `${ATTRIBUTE_COLUMN}${v}`)];
    const mapping: ExplicitMapping = {
      ...Object.fromEntries(FIELD_COLUMNS.map((f) => [f, f])),
      ...Object.fromEntries(variables.map((v) => [`${ATTRIBUTE_COLUMN}${v}`, { variable: v }])),
    };

    const hash = createHash('sha256');
    const seen = { rows: 0, bytes: 0 };
    async function* rows(): AsyncGenerator<CsvRow[]> {
      // Row 0 is the header: the contacts are rows 1..N.
      yield [{ rowNumber: 0, fields: headers }];
      for await (const page of matchingContacts(deps.store.contacts, segment.filter)) {
        yield page.map((contact) => {
          const fields = contactFields(contact, variables);
          const line = `${JSON.stringify([contact.id, ...fields])}\n`;
          hash.update(line);
          seen.bytes += Buffer.byteLength(line);
          return { rowNumber: ++seen.rows, fields };
        });
      }
    }

    const summary = await importRows(
      rows(),
      { mapping, requiredVariables: await requiredVariables(deps, staged), ...listChecks(staged) },
      sink,
    );
    return {
      summary,
      imported: {
        fileName: `segment:${segment.name}`,
        sha256: hash.digest('hex'),
        bytes: seen.bytes,
        source: {
          kind: 'segment',
          segmentId: segment.id,
          segmentName: segment.name,
          segmentVersion: segment.version,
          contacts: seen.rows,
        },
      },
    };
  });
}
