import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { createApiKey } from '../src/api/api-keys.js';
import { systemClock } from '../src/core/clock.js';
import { DEFAULT_DELAY_MS } from '../src/sandbox/number-settings.js';
import { startHarness, type Harness } from '../test/support/harness.js';
import { row, type BenchmarkOutcome } from './support/results.js';
import { maxInWindow } from './support/stats.js';

/** A LINE campaign at 100 messages/s: the throttle, not the provider, sets its pace. */
const PACED = { recipients: 3_000, perMinute: 6_000 };
/** An SMS campaign at 200/s through the sandbox's Twilio account, limited to 100 requests/s. */
const CAPPED = { recipients: 1_500, perMinute: 12_000, providerLimit: 100 };
const LIMIT_MS = 120_000;

interface Api {
  call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<{ status: number; body: any }>;
}

function api(h: Harness): Api {
  return {
    async call(method, path, body, key = h.apiKey) {
      const res = await request(`${h.todoke.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.statusCode, body: await res.body.json() };
    },
  };
}

/** A started campaign to `phones`: uploaded, validated, approved by a second key, started. */
async function startCampaign(
  h: Harness,
  a: Api,
  approver: string,
  phones: string[],
  route: unknown,
  perMinute: number,
): Promise<string> {
  const created = await a.call('POST', '/v1/campaigns', {
    name: 'bench',
    template: 'bench',
    route,
    purpose: 'usage_alert',
    options: { throttlePerMinute: perMinute },
  });
  if (created.status !== 201) throw new Error(`create: ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const csv = ['phone,name,amount', ...phones.map((p, i) => `${p},客${i},${100 + i}`)].join('\n');
  const up = await request(`${h.todoke.url}/v1/campaigns/${id}/recipients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'text/csv' },
    body: csv,
  });
  await up.body.dump();
  for (const [step, key] of [
    ['validate', h.apiKey],
    ['request-approval', h.apiKey],
    ['approve', approver],
    ['start', h.apiKey],
  ] as const) {
    const res = await a.call('POST', `/v1/campaigns/${id}/${step}`, {}, key);
    if (res.status !== 200) throw new Error(`${step}: ${JSON.stringify(res.body)}`);
  }
  return id;
}

async function waitCompleted(a: Api, id: string): Promise<boolean> {
  const deadline = Date.now() + LIMIT_MS;
  while (Date.now() < deadline) {
    if ((await a.call('GET', `/v1/campaigns/${id}`)).body.status === 'completed') return true;
    await sleep(500);
  }
  return false;
}

/** When the campaign's messages were created, oldest first. */
async function createdTimes(h: Harness, campaignId: string): Promise<number[]> {
  const times: number[] = [];
  let beforeId: string | undefined;
  for (;;) {
    const page = await h.todoke.store.listMessages({
      campaignId,
      limit: 1_000,
      ...(beforeId ? { beforeId } : {}),
    });
    times.push(...page.map((m) => m.createdAt));
    if (page.length < 1_000) break;
    beforeId = page.at(-1)!.id;
  }
  return times.sort((x, y) => x - y);
}

/**
 * The pace the campaign kept: the runner creates each round's allowance at once, so the rate is read from round to
 * round (rounds being runs of messages less than 250 ms apart): the messages of the second to the next-to-last
 * round, over the time from the first round's start to the next-to-last round's start (the last round only takes
 * what is left of the list).
 */
function roundRate(times: readonly number[]): { rate: number; rounds: number; sizes: number[] } {
  const starts = [times[0]!];
  const sizes = [1];
  for (let i = 1; i < times.length; i++) {
    if (times[i]! - times[i - 1]! > 250) {
      starts.push(times[i]!);
      sizes.push(1);
    } else sizes[sizes.length - 1]! += 1;
  }
  // Round k's messages were earned over the interval before it; the last round takes only what is left.
  const earned = sizes.slice(1, -1).reduce((sum, n) => sum + n, 0);
  const rate = (earned * 1000) / (starts.at(-2)! - starts[0]!);
  return { rate, rounds: starts.length, sizes };
}

/**
 * A running campaign's pace: a 3,000-recipient LINE campaign throttled to 6,000 a minute (its message creation
 * rate against the throttle, within 1 %), and a 1,500-recipient SMS campaign throttled to 12,000 a minute through
 * an account limited to 100 requests/s (the busiest one-second window of requests at the emulator against the
 * account's limit). One process with the sandbox, as `npm start` runs it.
 */
export async function campaignThrottleBenchmark(): Promise<BenchmarkOutcome> {
  const h = await startHarness();
  try {
    const a = api(h);
    const approver = (await createApiKey(h.todoke.store, 'approver', systemClock)).key;
    const template = await a.call('POST', '/v1/templates', {
      name: 'bench',
      channels: {
        line_pnp: { text: '{{ name }}様 ご利用額は{{ amount }}円です。' },
        sms: { text: '{{ name }}様 ご利用額{{ amount }}円' },
      },
    });
    if (template.status !== 201) throw new Error(`template: ${JSON.stringify(template.body)}`);

    const linePhones = Array.from({ length: PACED.recipients }, (_, i) => `+8190${60_000_000 + i}`);
    const paced = await startCampaign(h, a, approver, linePhones, 'line-only', PACED.perMinute);
    const pacedDone = await waitCompleted(a, paced);
    const created = await createdTimes(h, paced);
    const throttle = PACED.perMinute / 60;
    const { rate, rounds, sizes } = roundRate(created);

    const smsPhones = Array.from({ length: CAPPED.recipients }, (_, i) => `+8190${70_000_000 + i}`);
    const capped = await startCampaign(
      h,
      a,
      approver,
      smsPhones,
      { steps: [{ channel: 'sms', accounts: ['twilio-sandbox'] }] },
      CAPPED.perMinute,
    );
    const cappedDone = await waitCompleted(a, capped);
    const smsNumbers = new Set(smsPhones);
    const arrivals = h.todoke
      .sandbox!.ledger()
      .filter((item) => item.provider === 'twilio' && smsNumbers.has(item.to))
      .map((item) => Date.parse(item.at) - DEFAULT_DELAY_MS)
      .sort((x, y) => x - y);
    const busiest = maxInWindow(arrivals, 1000);

    return {
      rows: [
        row({
          name: 'campaign at 6,000/min (LINE): messages created per second',
          unit: 'msg/s',
          measured: rate,
          ceiling: throttle,
          ceilingIs: 'the throttle',
          target: 'within 1 % of the throttle',
          pass: pacedDone && created.length === PACED.recipients && Math.abs(rate / throttle - 1) <= 0.01,
        }),
        row({
          name: 'campaign at 12,000/min over a 100/s SMS account: busiest 1 s window',
          unit: 'req',
          measured: busiest,
          ceiling: CAPPED.providerLimit,
          ceilingIs: 'the account limit',
          target: `<= ${CAPPED.providerLimit}`,
          pass: cappedDone && arrivals.length === CAPPED.recipients && busiest <= CAPPED.providerLimit,
        }),
      ],
      notes: [
        `LINE campaign: ${created.length} messages in ${rounds} rounds (sizes ${sizes.slice(0, 8).join(', ')}, …), ${pacedDone ? 'completed' : 'NOT completed'}; ${rate.toFixed(2)} msg/s against ${throttle.toFixed(2)}`,
        `SMS campaign: ${arrivals.length} requests reached Twilio, ${cappedDone ? 'completed' : 'NOT completed'}; sustained ${(((arrivals.length - 1) * 1000) / (arrivals.at(-1)! - arrivals[0]!)).toFixed(1)} req/s`,
      ],
      details: {
        paced: { ...PACED, rate, created: created.length },
        capped: { ...CAPPED, busiest, arrivals: arrivals.length },
      },
    };
  } finally {
    await h.close();
  }
}
