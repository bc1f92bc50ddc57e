import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../test/support/harness.js';
import { createApiKey } from '../api/api-keys.js';
import { TemplateResolver } from '../api/template-resolver.js';
import { systemClock } from '../core/clock.js';
import { createIdFactory } from '../runtime/id-factory.js';
import type { CampaignDeps } from './campaign-deps.js';
import { messageForRecipient } from './message-for-recipient.js';
import { CampaignRunner } from './runner/campaign-runner.js';

/**
 * Campaigns run for real: API, engine, sandbox providers and SQLite in one process, with a campaign runner beside
 * the engine as a worker runs it. The purpose has no send window, so nothing waits for the hour.
 */
describe('running a campaign through the engine and the sandbox', () => {
  let h: Harness;
  let approver: string;
  let deps: CampaignDeps;
  let runner: CampaignRunner;
  let phoneSeq = 0;

  beforeAll(async () => {
    h = await startHarness();
    approver = (await createApiKey(h.todoke.store, 'approver', systemClock)).key;
    deps = {
      store: h.todoke.store,
      config: h.todoke.config,
      clock: systemClock,
      newId: createIdFactory(systemClock),
      templates: new TemplateResolver(h.todoke.store),
      onAccepted: () => h.todoke.engine?.wake(),
    };
    runner = new CampaignRunner(deps, 'runner-main', { roundMs: 50, leaseMs: 2_000 });
    runner.start();
    const template = await h.post('/v1/templates', {
      name: 'usage',
      channels: {
        line_pnp: { text: '{{ name }}様 ご利用額 {{ amount }}円' },
        sms: { text: '{{ name }}様 {{ amount }}円' },
      },
    });
    expect(template.status).toBe(201);
  });
  afterAll(async () => {
    await runner.stop();
    await h.close();
  });

  async function call(method: 'GET' | 'POST', path: string, body?: unknown, key = h.apiKey) {
    const res = await request(`${h.todoke.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.statusCode, body: (await res.body.json()) as any };
  }

  /** `n` new numbers, each set up in the sandbox as `settings`. */
  function numbers(
    n: number,
    settings: Parameters<NonNullable<Harness['todoke']['sandbox']>['setNumber']>[1],
  ) {
    return Array.from({ length: n }, () => {
      const phone = `+81902${String(++phoneSeq).padStart(7, '0')}`;
      h.todoke.sandbox!.setNumber(phone, settings);
      return phone;
    });
  }

  /** A started campaign to `phones` at `perMinute`. */
  async function started(phones: string[], perMinute: number, fallbackAfter = '1s') {
    const created = await call('POST', '/v1/campaigns', {
      name: 'run',
      template: 'usage',
      route: {
        steps: [
          { channel: 'line_pnp', fallbackAfter },
          { channel: 'sms', fallbackAfter: '5s' },
        ],
      },
      purpose: 'usage_alert',
      options: { throttlePerMinute: perMinute },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const csv = ['phone,name,amount', ...phones.map((p, i) => `${p},客${i},${100 + i}`)].join('\n');
    const up = await request(`${h.todoke.url}/v1/campaigns/${id}/recipients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(up.statusCode).toBe(200);
    await up.body.dump();
    expect((await call('POST', `/v1/campaigns/${id}/validate`, {})).body.report.sendable).toBe(phones.length);
    await call('POST', `/v1/campaigns/${id}/request-approval`, {});
    expect((await call('POST', `/v1/campaigns/${id}/approve`, {}, approver)).status).toBe(200);
    expect((await call('POST', `/v1/campaigns/${id}/start`, {})).status).toBe(200);
    return id;
  }

  async function waitFor(id: string, done: (c: any) => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = (await call('GET', `/v1/campaigns/${id}`)).body;
      if (done(c)) return c;
      if (Date.now() > deadline)
        throw new Error(`campaign ${id} did not get there: ${JSON.stringify(c.progress)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const received = (phone: string) => h.todoke.sandbox!.ledger(phone).map((i) => i.channel);

  it('sends every recipient exactly one message and completes', async () => {
    const phones = numbers(12, { line: 'delivered', lineDelayMs: 20 });
    const id = await started(phones, 6_000);
    const done = await waitFor(id, (c) => c.status === 'completed', 30_000);
    expect(done.progress.recipients.byState).toMatchObject({ materialized: 12, pending: 0 });
    expect(done.progress.messages.byStatus.delivered).toBe(12);
    expect(done.summary).toMatchObject({
      sent: 12,
      delivered: 12,
      reach: 1,
      fallbackRate: 0,
      lateDeliveries: 0,
    });
    expect(done.finishedAt).not.toBeNull();
    for (const phone of phones) expect(received(phone)).toEqual(['line_pnp']);
  });

  it('pauses (no new messages), resumes, and still sends each recipient once', async () => {
    const phones = numbers(8, { line: 'delivered', lineDelayMs: 20 });
    const id = await started(phones, 240); // one every 250 ms
    await waitFor(id, (c) => c.progress.recipients.byState.materialized >= 2);
    const paused = await call('POST', `/v1/campaigns/${id}/pause`, {});
    expect(paused.body.status).toBe('paused');
    const atPause = (await call('GET', `/v1/campaigns/${id}`)).body.progress.recipients.byState.materialized;
    await new Promise((r) => setTimeout(r, 1_000));
    const later = (await call('GET', `/v1/campaigns/${id}`)).body;
    expect(later.status).toBe('paused');
    expect(later.progress.recipients.byState.materialized).toBe(atPause);
    expect(later.progress.recipients.byState.pending).toBe(8 - atPause);

    expect((await call('POST', `/v1/campaigns/${id}/resume`, {})).body.status).toBe('running');
    const done = await waitFor(id, (c) => c.status === 'completed', 30_000);
    expect(done.summary).toMatchObject({ sent: 8, delivered: 8 });
    for (const phone of phones) expect(received(phone)).toEqual(['line_pnp']);
    expect(done.history.map((x: any) => x.action)).toContain('resume');
  });

  it('cancels within seconds: nothing more is sent, not even the fallback SMS of messages already out', async () => {
    // Blocked on LINE: the LINE message is accepted and nothing comes back, so each waits 3 s for the SMS.
    const phones = numbers(20, { line: 'blocked', sms: 'delivered', smsDelayMs: 20 });
    const id = await started(phones, 600, '3s'); // one every 100 ms
    await waitFor(id, (c) => c.progress.recipients.byState.materialized >= 3);
    const canceled = await call('POST', `/v1/campaigns/${id}/cancel`, {});
    expect(canceled.body.status).toBe('canceled');
    const settled = await waitFor(id, (c) => c.finishedAt !== null, 10_000);
    const states = settled.progress.recipients.byState;
    expect(states.pending).toBe(0);
    expect(states.materialized + states.canceled).toBe(20);
    expect(settled.progress.messages.byStatus).toMatchObject({ accepted: 0, scheduled: 0, sending: 0 });
    // Past every fallback deadline: no SMS went out.
    await new Promise((r) => setTimeout(r, 3_500));
    for (const phone of phones) expect(received(phone)).not.toContain('sms');
  });

  it('resumes after a crash where the last runner stopped, creating no message twice', async () => {
    await runner.stop();
    try {
      const phones = numbers(10, { line: 'delivered', lineDelayMs: 20 });
      const id = await started(phones, 6_000);
      // The last runner died after storing the messages of rows 2–4 but before marking those recipients.
      const campaign = (await deps.store.campaigns.get(id))!;
      const template = await deps.templates.resolve(campaign.template);
      const rows = await deps.store.campaigns.listRecipients(campaign.importId!, { limit: 3 });
      const ctx = { config: deps.config, clock: deps.clock, newId: deps.newId };
      const early = await deps.store.acceptMessages(
        rows.map((r) => messageForRecipient(campaign, r, template, ctx)),
      );
      expect(early.map((r) => r.result)).toEqual(['created', 'created', 'created']);
      // It also held the lease: the next runner takes over only once that lease has run out.
      await deps.store.campaigns.lease(id, 'runner-dead', Date.now(), 500);

      const next = new CampaignRunner(deps, 'runner-next', { roundMs: 50, leaseMs: 2_000 });
      next.start();
      try {
        const done = await waitFor(id, (c) => c.status === 'completed', 30_000);
        expect(done.summary).toMatchObject({ sent: 10, delivered: 10 });
        const messages = await deps.store.listMessages({ campaignId: id, limit: 100 });
        expect(messages).toHaveLength(10);
        const recipients = await deps.store.campaigns.listRecipients(campaign.importId!, { limit: 3 });
        expect(recipients.map((r) => r.messageId)).toEqual(early.map((r) => r.message.id));
        for (const phone of phones) expect(received(phone)).toEqual(['line_pnp']);
      } finally {
        await next.stop();
      }
    } finally {
      runner = new CampaignRunner(deps, 'runner-main', { roundMs: 50, leaseMs: 2_000 });
      runner.start();
    }
  });
});
