import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  people,
  recipientsCsv,
  startCampaignApp,
  type CampaignTestApp,
} from '../../api/routes/campaigns-test-kit.js';
import { TemplateResolver } from '../../api/template-resolver.js';
import type { CampaignDeps } from '../campaign-deps.js';
import { CampaignRunner } from './campaign-runner.js';

/** The runner on a manual clock, without an engine: what it creates, when, and when it calls a campaign done. */
let t: CampaignTestApp;
let deps: CampaignDeps;
let wakes: number;
beforeEach(async () => {
  t = await startCampaignApp();
  wakes = 0;
  deps = {
    store: t.store,
    config: t.deps.config,
    clock: t.clock,
    newId: t.deps.newId,
    templates: new TemplateResolver(t.store),
    onAccepted: () => wakes++,
  };
});
afterEach(() => t.close());

const MINUTE = 60_000;

async function startedCampaign(n: number, options: Record<string, unknown>) {
  const c = await t.createCampaign({ options });
  await t.upload(`/v1/campaigns/${c.id}/recipients`, recipientsCsv(people(n)));
  await t.call('POST', `/v1/campaigns/${c.id}/validate`, {});
  await t.call('POST', `/v1/campaigns/${c.id}/request-approval`, {});
  await t.call('POST', `/v1/campaigns/${c.id}/approve`, {}, t.approver);
  await t.call('POST', `/v1/campaigns/${c.id}/start`, {});
  return c.id as string;
}

async function state(id: string) {
  const c = (await t.store.campaigns.get(id))!;
  const counts = await t.store.campaigns.countRecipients(c.importId!);
  const by = (s: string) => counts.filter((x) => x.state === s).reduce((n, x) => n + x.count, 0);
  return {
    status: c.status,
    settled: c.settled,
    pending: by('pending'),
    materialized: by('materialized'),
    expired: by('expired'),
  };
}

/** Marks every message of the campaign delivered, as the engine would. */
async function deliverAll(id: string) {
  for (const m of await t.store.listMessages({ campaignId: id, limit: 1_000 })) {
    await t.store.commit({
      message: { id: m.id, expectVersion: m.version, patch: { status: 'delivered', nextRunAt: null } },
    });
  }
}

describe('CampaignRunner', () => {
  it('waits for the start time, then creates messages at the throttle rate', async () => {
    const id = await startedCampaign(5, {
      startAt: new Date(t.clock.now() + 10 * MINUTE).toISOString(),
      throttlePerMinute: 60,
    });
    const runner = new CampaignRunner(deps, 'r1', { roundMs: 1_000 });
    await runner.round();
    expect(await state(id)).toMatchObject({ status: 'scheduled', materialized: 0 });

    t.clock.advance(10 * MINUTE);
    const created: number[] = [];
    for (let i = 0; i < 4; i++) {
      await runner.round();
      created.push((await state(id)).materialized);
      t.clock.advance(1_000);
    }
    // 60 a minute: one a second.
    expect(created).toEqual([1, 2, 3, 4]);
    expect((await state(id)).status).toBe('running');
    expect(wakes).toBe(4);
  });

  it('creates nothing outside the send window and starts when it opens (Japan time)', async () => {
    // The manual clock reads 12:00 in Tokyo; the window opens at 13:00.
    const id = await startedCampaign(3, {
      sendWindow: { start: '13:00', end: '14:00' },
      throttlePerMinute: 60_000,
    });
    const runner = new CampaignRunner(deps, 'r1');
    await runner.round();
    await runner.round();
    expect(await state(id)).toMatchObject({ status: 'running', materialized: 0, pending: 3 });
    const view = (await t.call('GET', `/v1/campaigns/${id}`)).body;
    expect(view.progress.nextCreateAt).toBe(new Date(t.clock.now() + 60 * MINUTE).toISOString());
    t.clock.advance(60 * MINUTE);
    await runner.round();
    expect(await state(id)).toMatchObject({ materialized: 3, pending: 0 });
  });

  it('completes once every recipient is final, and not before', async () => {
    const id = await startedCampaign(3, { throttlePerMinute: 60_000 });
    const runner = new CampaignRunner(deps, 'r1');
    await runner.round();
    await runner.round();
    t.clock.advance(10_000);
    await runner.round();
    expect(await state(id)).toMatchObject({ status: 'running', materialized: 3 });
    await deliverAll(id);
    t.clock.advance(10_000);
    await runner.round();
    expect(await state(id)).toMatchObject({ status: 'completed', settled: true });
    expect((await t.store.campaigns.get(id))!.finishedAt).toBe(t.clock.now());
  });

  it('stops creating at expiresAt: the rest are recorded as expired', async () => {
    const id = await startedCampaign(4, {
      throttlePerMinute: 60,
      expiresAt: new Date(t.clock.now() + 2_500).toISOString(),
    });
    const runner = new CampaignRunner(deps, 'r1', { roundMs: 1_000 });
    for (let i = 0; i < 3; i++) {
      await runner.round();
      t.clock.advance(1_000);
    }
    expect(await state(id)).toMatchObject({ materialized: 3, pending: 1 });
    await runner.round();
    expect(await state(id)).toMatchObject({ materialized: 3, pending: 0, expired: 1 });
    const messages = await t.store.listMessages({ campaignId: id, limit: 10 });
    expect(messages.every((m) => m.expiresAt === t.clock.now() - 500)).toBe(true);
  });

  it('lets one runner at a time work a campaign', async () => {
    const id = await startedCampaign(10, { throttlePerMinute: 120 });
    const a = new CampaignRunner(deps, 'a', { roundMs: 1_000, leaseMs: 5_000 });
    const b = new CampaignRunner(deps, 'b', { roundMs: 1_000, leaseMs: 5_000 });
    await a.round();
    await b.round();
    expect((await state(id)).materialized).toBe(2);
    t.clock.advance(6_000);
    await b.round();
    expect((await state(id)).materialized).toBe(4);
  });

  it('cancels pending recipients and unsent messages, then settles', async () => {
    const id = await startedCampaign(6, { throttlePerMinute: 120 });
    const runner = new CampaignRunner(deps, 'r1', { roundMs: 1_000 });
    await runner.round();
    expect((await state(id)).materialized).toBe(2);
    await t.call('POST', `/v1/campaigns/${id}/cancel`, {});
    const messages = await t.store.listMessages({ campaignId: id, limit: 10 });
    expect(messages.map((m) => m.status)).toEqual(['canceled', 'canceled']);
    await runner.round();
    expect(await state(id)).toMatchObject({ status: 'canceled', pending: 0, settled: true });
  });
});
