import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../test/support/harness.js';
import { createApiKey } from '../api/api-keys.js';
import { TemplateResolver } from '../api/template-resolver.js';
import { systemClock } from '../core/clock.js';
import { createIdFactory } from '../runtime/id-factory.js';
import { CampaignRunner } from './runner/campaign-runner.js';

/**
 * A campaign to a segment of the contact store, run for real: API, engine, runner, sandbox providers and SQLite
 * in one process. Each matching contact is reached once; the others nothing.
 */
describe('a campaign from a segment, through the engine and the sandbox', () => {
  let h: Harness;
  let approver: string;
  let runner: CampaignRunner;

  beforeAll(async () => {
    h = await startHarness();
    approver = (await createApiKey(h.todoke.store, 'approver', systemClock)).key;
    runner = new CampaignRunner(
      {
        store: h.todoke.store,
        config: h.todoke.config,
        clock: systemClock,
        newId: createIdFactory(systemClock),
        templates: new TemplateResolver(h.todoke.store),
        onAccepted: () => h.todoke.engine?.wake(),
      },
      'runner-segment',
      { roundMs: 50, leaseMs: 2_000 },
    );
    runner.start();
  });
  afterAll(async () => {
    await runner.stop();
    await h.close();
  });

  it('sends every matching contact one message, and nobody else', async () => {
    const phones = Array.from({ length: 6 }, (_, i) => `+81903${String(i + 1).padStart(7, '0')}`);
    for (const phone of phones) h.todoke.sandbox!.setNumber(phone, { line: 'delivered', lineDelayMs: 20 });
    const contacts = phones.map((phone, i) => ({
      externalId: `K-${i + 1}`,
      phone,
      name: `会員${i + 1}`,
      attributes: { plan: i % 2 === 0 ? 'gold' : 'basic', points: 100 * (i + 1) },
    }));
    expect((await h.post('/v1/contacts', contacts)).status).toBe(200);
    const segment = await h.post('/v1/segments', {
      name: 'gold',
      filter: { all: [{ attribute: 'plan', op: 'eq', value: 'gold' }] },
    });
    expect(segment.status).toBe(201);
    const template = await h.post('/v1/templates', {
      name: 'points',
      channels: {
        line_pnp: { text: '{{ name }}様 ポイント残高は{{ points }}です。' },
        sms: { text: '{{ name }}様 {{ points }}pt' },
      },
    });
    expect(template.status).toBe(201);

    const created = await h.post('/v1/campaigns', {
      name: 'gold members',
      template: 'points',
      route: { steps: [{ channel: 'line_pnp', fallbackAfter: '1s' }, { channel: 'sms' }] },
      purpose: 'usage_alert',
      options: { throttlePerMinute: 6_000 },
    });
    const id = created.body.id as string;
    const filled = await h.post(`/v1/campaigns/${id}/recipients/segment`, { segmentId: segment.body.id });
    expect(filled.body.import).toMatchObject({ rows: 3, accepted: 3, errors: 0 });
    expect((await h.post(`/v1/campaigns/${id}/validate`, {})).body.report.sendable).toBe(3);
    await h.post(`/v1/campaigns/${id}/request-approval`, {});
    expect(
      (await h.post(`/v1/campaigns/${id}/approve`, {}, { authorization: `Bearer ${approver}` })).status,
    ).toBe(200);
    expect((await h.post(`/v1/campaigns/${id}/start`, {})).status).toBe(200);

    const deadline = Date.now() + 20_000;
    let campaign = (await h.get(`/v1/campaigns/${id}`)).body;
    while (campaign.status !== 'completed') {
      if (Date.now() > deadline) throw new Error(`not completed: ${JSON.stringify(campaign.progress)}`);
      await new Promise((r) => setTimeout(r, 50));
      campaign = (await h.get(`/v1/campaigns/${id}`)).body;
    }
    expect(campaign.summary).toMatchObject({ sent: 3, delivered: 3 });
    for (const [i, phone] of phones.entries()) {
      const ledger = await h.ledger(phone);
      if (i % 2 === 0) {
        expect(ledger.map((e) => e.channel)).toEqual(['line_pnp']);
        expect(JSON.stringify(ledger[0])).toContain(`会員${i + 1}様 ポイント残高は${100 * (i + 1)}です。`);
      } else {
        expect(ledger).toEqual([]);
      }
    }
  });
});
