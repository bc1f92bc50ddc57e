import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { controlRoutes, type SandboxControl } from './control-routes.js';
import { FaultBoard } from './fault-board.js';
import { faultSpecSchema, type ActiveFault, type FaultSpec } from './fault-spec.js';
import { LatencyTable, latencyUpdateSchema, type Latency, type LatencyUpdate } from './latency.js';
import { buildLineEmulator } from './line-emulator.js';
import { lineWebhookRenderer } from './line-webhook.js';
import { NumberBook } from './number-book.js';
import { E164_PATTERN, type NumberSettings } from './number-settings.js';
import { populationSchema, toPopulation, type Population, type PopulationSpec } from './population.js';
import { ReceiptFaults } from './receipt-faults.js';
import { withRequestLog } from './request-log.js';
import { linePhoneHash } from './signatures.js';
import { SandboxStore, type LedgerItem, type LineChannel, type TwilioAccount } from './store.js';
import { twilioCallbackRenderer } from './twilio-callback.js';
import { buildTwilioEmulator } from './twilio-emulator.js';
import { WebhookSender } from './webhook-sender.js';

export interface SandboxOptions {
  /** Where sandbox.db lives; null keeps everything in memory. */
  dataDir: string | null;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  linePort?: number;
  /** Default 0 (a free port). */
  twilioPort?: number;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:41234 */
  lineBaseUrl: string;
  twilioBaseUrl: string;
  /** Adds or updates a LINE channel the emulator accepts; persisted. */
  configureLineChannel(c: {
    accessToken: string;
    channelSecret: string;
    webhookUrl: string;
    botUserId?: string;
  }): void;
  /** Adds or updates a Twilio account the emulator accepts; persisted. */
  configureTwilioAccount(a: { accountSid: string; authToken: string }): void;
  /** Merges the given fields into the number's settings; returns the effective settings (defaults filled in). */
  setNumber(e164: string, settings: Partial<NumberSettings>): NumberSettings;
  /** What reached `to` (E.164), or every number, oldest first. */
  ledger(to?: string): LedgerItem[];
  /** Adds a fault, as POST /__sandbox/faults does; throws a ZodError on a bad spec. */
  addFault(spec: FaultSpec): ActiveFault;
  /** Ends every fault. */
  clearFaults(): void;
  /** Sets the population numbers nobody configured are drawn from (null: the defaults); persisted. */
  setPopulation(spec: PopulationSpec | null): Population;
  /** Sets how long the emulators take to answer, as PUT /__sandbox/latency does. */
  setLatency(update: LatencyUpdate): Latency;
  /** Registers the /__sandbox/* control routes on a Fastify instance. */
  controlPlugin: FastifyPluginAsync;
  /** Stops servers and timers; pending webhooks stay stored for the next start. */
  close(): Promise<void>;
}

/** A bot user ID for a channel configured without one: stable for the token, shaped like LINE's. */
function botUserIdFor(accessToken: string): string {
  return 'U' + linePhoneHash(`bot:${accessToken}`).slice(0, 32);
}

/** The URL clients use to reach a listening server: a wildcard address is reached through loopback. */
export function baseUrl(server: FastifyInstance, host: string): string {
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Starts the LINE and Twilio emulators and resumes the webhooks left pending by an earlier run. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const store = new SandboxStore(options.dataDir);
  const numbers = new NumberBook(store);
  const channels = new Map<string, LineChannel>(store.loadLineChannels().map((c) => [c.accessToken, c]));
  const accounts = new Map<string, TwilioAccount>(store.loadTwilioAccounts().map((a) => [a.accountSid, a]));
  const sender = new WebhookSender(store, {
    line: lineWebhookRenderer(channels),
    twilio: twilioCallbackRenderer(accounts),
  });
  const faults = new FaultBoard();
  const receipts = new ReceiptFaults(faults);
  const latency = new LatencyTable();
  const line = buildLineEmulator({ channels, numbers, sender, faults, receipts, latency });
  const twilio = buildTwilioEmulator({
    accounts,
    numbers,
    sender,
    findMessage: (sid) => store.twilioMessage(sid),
    messagesTo: (accountSid, to, from, until, limit) =>
      store.twilioMessagesTo(accountSid, to, from, until, limit),
    faults,
    receipts,
    latency,
  });
  try {
    await line.listen({ host, port: options.linePort ?? 0 });
    await twilio.listen({ host, port: options.twilioPort ?? 0 });
  } catch (error) {
    await Promise.allSettled([line.close(), twilio.close()]);
    store.close();
    throw error;
  }
  sender.start();

  const control: SandboxControl = {
    setNumber(e164, settings) {
      if (!E164_PATTERN.test(e164)) throw new TypeError(`not an E.164 number: ${e164}`);
      return numbers.set(e164, settings);
    },
    getNumber: (e164) => numbers.get(e164),
    faults,
    latency,
    getPopulation: () => numbers.getPopulation(),
    setPopulation: (population) => numbers.setPopulation(population),
    listNumbers: () => numbers.list(),
    ledgerItems: (to, limit) =>
      to === undefined ? store.ledgerAll(limit) : store.ledgerFor(to, linePhoneHash(to)),
    clearLedger: () => store.clearLedger(),
    configureLineChannel(c) {
      const channel: LineChannel = { ...c, botUserId: c.botUserId ?? botUserIdFor(c.accessToken) };
      store.saveLineChannel(channel);
      channels.set(channel.accessToken, channel);
      return { botUserId: channel.botUserId };
    },
    configureTwilioAccount(a) {
      const account = { accountSid: a.accountSid, authToken: a.authToken };
      store.saveTwilioAccount(account);
      accounts.set(account.accountSid, account);
    },
  };

  let closing: Promise<void> | undefined;
  return {
    lineBaseUrl: baseUrl(line, host),
    twilioBaseUrl: baseUrl(twilio, host),
    configureLineChannel: (c) => void control.configureLineChannel(c),
    configureTwilioAccount: (a) => control.configureTwilioAccount(a),
    setNumber: (e164, settings) => control.setNumber(e164, settings),
    ledger: (to) => control.ledgerItems(to, -1),
    addFault: (spec) => faults.add(faultSpecSchema.parse(spec)),
    clearFaults: () => faults.clear(),
    setPopulation: (spec) =>
      numbers.setPopulation(spec === null ? null : toPopulation(populationSchema.parse(spec))),
    setLatency: (update) => latency.set(latencyUpdateSchema.parse(update)),
    controlPlugin: withRequestLog({ line, twilio }, controlRoutes(control)),
    close() {
      closing ??= (async () => {
        await Promise.allSettled([line.close(), twilio.close()]);
        await sender.close();
        store.close();
      })();
      return closing;
    },
  };
}
