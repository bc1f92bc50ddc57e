import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCampaignApp, type CampaignTestApp } from '../api/routes/campaigns-test-kit.js';
import { TemplateResolver } from '../api/template-resolver.js';
import type { CampaignDeps } from './campaign-deps.js';
import type { ImportedRecipient } from './imported-recipient.js';
import { RecipientSink } from './recipient-sink.js';
import { validateCampaign } from './validate-campaign.js';

let t: CampaignTestApp;
let deps: CampaignDeps;
beforeEach(async () => {
  t = await startCampaignApp();
  deps = {
    store: t.store,
    config: t.deps.config,
    clock: t.clock,
    newId: t.deps.newId,
    templates: new TemplateResolver(t.store),
  };
});
afterEach(() => t.close());

const recipient = (rowNumber: number, overrides: Partial<ImportedRecipient> = {}): ImportedRecipient => ({
  rowNumber,
  phone: `+8190100000${String(rowNumber).padStart(2, '0')}`,
  lineUserId: null,
  email: null,
  externalId: `C-${rowNumber}`,
  name: `顧客${rowNumber}`,
  variables: { amount: '1000' },
  ...overrides,
});

/** A draft whose list was written through the import sink, as an upload writes it. */
async function campaignWith(rows: ImportedRecipient[]) {
  const c = await t.createCampaign();
  const sink = new RecipientSink(t.store.campaigns, 'import-1', t.deps.config.secret);
  await sink.addRecipients(rows);
  await sink.flush();
  await t.store.campaigns.indexAddresses('import-1');
  const stored = (await t.store.campaigns.get(c.id))!;
  await t.store.campaigns.update({ ...stored, importId: 'import-1' }, stored.version);
  return c.id as string;
}

describe('validateCampaign, fed from the import sink', () => {
  it('sends one message per person: a later row with the same phone is a duplicate', async () => {
    const id = await campaignWith([
      recipient(2),
      recipient(3),
      recipient(4, { phone: '+819010000002', externalId: 'C-other' }),
    ]);
    const validated = await validateCampaign(deps, id, 'key-x');
    expect(validated.report).toMatchObject({ recipients: 3, sendable: 2, excluded: { duplicate: 1 } });
    const rows = await t.store.campaigns.listRecipients('import-1', { limit: 10 });
    expect(rows.map((r) => [r.rowNumber, r.state, r.reason])).toEqual([
      [2, 'pending', null],
      [3, 'pending', null],
      [4, 'excluded', 'duplicate'],
    ]);
  });

  it('fills the template’s name from the name column', async () => {
    const id = await campaignWith([recipient(2, { name: '山田' }), recipient(3, { name: null })]);
    const validated = await validateCampaign(deps, id, null);
    expect(validated.report).toMatchObject({ sendable: 1, excluded: { missing_variable: 1 } });
  });

  it('refuses to validate a campaign that changed meanwhile', async () => {
    const id = await campaignWith([recipient(2)]);
    const store = t.store;
    const original = store.campaigns.listRecipients.bind(store.campaigns);
    let changed = false;
    store.campaigns.listRecipients = async (...args) => {
      if (!changed) {
        changed = true;
        const c = (await store.campaigns.get(id))!;
        await store.campaigns.update({ ...c, name: 'renamed' }, c.version);
      }
      return original(...args);
    };
    await expect(validateCampaign(deps, id, null)).rejects.toMatchObject({ code: 'campaign_changed' });
    expect((await store.campaigns.get(id))!.status).toBe('draft');
  });
});
