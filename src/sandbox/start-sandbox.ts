import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { controlRoutes, type SandboxControl } from './control-routes.js';
import { FaultBoard } from './fault-board.js';
import { faultSpecSchema, type ActiveFault, type FaultSpec } from './fault-spec.js';
import type { SandboxVonageSignatureMethod } from './gateway-accounts.js';
import { karadenCallbackRenderer } from './karaden-callback.js';
import { buildKaradenEmulator, KARADEN_API_PREFIX } from './karaden-emulator.js';
import { LatencyTable, latencyUpdateSchema, type Latency, type LatencyUpdate } from './latency.js';
import { buildLineEmulator } from './line-emulator.js';
import { emailRoutes } from './email-routes.js';
import { changeFollow } from './line-follow.js';
import { lineUserRoutes } from './line-user-routes.js';
import { LineUsers } from './line-users.js';
import { lineWebhookRenderer } from './line-webhook.js';
import { NumberBook } from './number-book.js';
import { E164_PATTERN, type NumberSettings } from './number-settings.js';
import { populationSchema, toPopulation, type Population, type PopulationSpec } from './population.js';
import { ReceiptFaults } from './receipt-faults.js';
import { withRequestLog } from './request-log.js';
import { linePhoneHash } from './signatures.js';
import {
  SandboxStore,
  type KaradenSandboxAccount,
  type LedgerItem,
  type LineChannel,
  type TwilioAccount,
  type VonageSandboxAccount,
} from './store.js';
import { twilioCallbackRenderer } from './twilio-callback.js';
import { buildTwilioEmulator } from './twilio-emulator.js';
import { vonageDlrRenderer } from './vonage-dlr.js';
import { buildVonageEmulator } from './vonage-emulator.js';
import { WebhookSender } from './webhook-sender.js';
import type { EmailAddressSettings, EmailAddressUpdate } from './smtp-address-settings.js';
import { startSmtpEmulator, type SmtpEmulator, type SmtpSandboxAccount } from './smtp-emulator.js';

export interface SandboxOptions {
  /** Where sandbox.db lives; null keeps everything in memory. */
  dataDir: string | null;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  linePort?: number;
  /** Default 0 (a free port). */
  twilioPort?: number;
  /** Default 0 (a free port). */
  karadenPort?: number;
  /** Default 0 (a free port). */
  vonagePort?: number;
  /** Default 0 (a free port). */
  smtpPort?: number;
}

/** A Karaden token the emulator accepts: its tenant, its service, and where the service's results go. */
export interface KaradenAccountSettings {
  tenantId: string;
  token: string;
  serviceId: number;
  /** The service's result callback URL; absent or null: results are not sent (the ledger still is written). */
  callbackUrl?: string | null;
}

/** A Vonage API key the emulator accepts, with the dashboard settings of its delivery receipts. */
export interface VonageAccountSettings {
  apiKey: string;
  apiSecret: string;
  /** Signs delivery receipts when set. */
  signatureSecret?: string | null;
  /** Default md5hash. */
  signatureMethod?: SandboxVonageSignatureMethod | null;
  /** Default receipt URL for messages sent without `callback`. */
  callbackUrl?: string | null;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:41234 */
  lineBaseUrl: string;
  twilioBaseUrl: string;
  /** Karaden's base URL, its `/api` prefix included: http://127.0.0.1:41236/api */
  karadenBaseUrl: string;
  vonageBaseUrl: string;
  /** smtp://127.0.0.1:PORT, the e-mail account's baseUrl (no TLS in the sandbox: starttls never). */
  smtpUrl: string;
  /** Adds or updates a LINE channel the emulator accepts; persisted. */
  configureLineChannel(c: {
    accessToken: string;
    channelSecret: string;
    webhookUrl: string;
    botUserId?: string;
  }): void;
  /** Adds or updates a Twilio account the emulator accepts; persisted. */
  configureTwilioAccount(a: { accountSid: string; authToken: string }): void;
  /** Adds or updates a Karaden token the emulator accepts; persisted. */
  configureKaradenAccount(a: KaradenAccountSettings): void;
  /** Adds or updates a Vonage API key the emulator accepts; persisted. */
  configureVonageAccount(a: VonageAccountSettings): void;
  /** Adds or updates an SMTP login the e-mail emulator accepts (in memory). */
  configureEmailAccount(a: SmtpSandboxAccount): void;
  /** Sets what the SMTP server does with mail to an address (in memory). */
  setAddress(address: string, update: EmailAddressUpdate): EmailAddressSettings;
  /** A LINE user adds the account as a friend or blocks it: push behaviour changes and the webhook hears of it. */
  lineFollow(userId: string, action: 'follow' | 'unfollow'): Promise<unknown>;
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

/** Starts the LINE, Twilio, Karaden and Vonage emulators and resumes the webhooks left pending by an earlier run. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const store = new SandboxStore(options.dataDir);
  const numbers = new NumberBook(store);
  const channels = new Map<string, LineChannel>(store.loadLineChannels().map((c) => [c.accessToken, c]));
  const accounts = new Map<string, TwilioAccount>(store.loadTwilioAccounts().map((a) => [a.accountSid, a]));
  const karadenAccounts = new Map<string, KaradenSandboxAccount>(
    store.loadKaradenAccounts().map((a) => [a.token, a]),
  );
  const vonageAccounts = new Map<string, VonageSandboxAccount>(
    store.loadVonageAccounts().map((a) => [a.apiKey, a]),
  );
  const sender = new WebhookSender(store, {
    line: lineWebhookRenderer(channels),
    twilio: twilioCallbackRenderer(accounts),
    karaden: karadenCallbackRenderer(karadenAccounts),
    vonage: vonageDlrRenderer(vonageAccounts),
  });
  const faults = new FaultBoard();
  const receipts = new ReceiptFaults(faults);
  const latency = new LatencyTable();
  const lineUsers = new LineUsers(store.settings);
  const line = buildLineEmulator({ channels, numbers, sender, faults, receipts, latency, users: lineUsers });
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
  const gatewayDeps = { numbers, sender, faults, receipts, latency };
  const karaden = buildKaradenEmulator({ ...gatewayDeps, accounts: karadenAccounts });
  const vonage = buildVonageEmulator({ ...gatewayDeps, accounts: vonageAccounts });
  const servers = [line, twilio, karaden, vonage];
  let smtp: SmtpEmulator | undefined;
  try {
    await line.listen({ host, port: options.linePort ?? 0 });
    await twilio.listen({ host, port: options.twilioPort ?? 0 });
    await karaden.listen({ host, port: options.karadenPort ?? 0 });
    await vonage.listen({ host, port: options.vonagePort ?? 0 });
    smtp = await startSmtpEmulator({
      host,
      port: options.smtpPort ?? 0,
      onDelivered: (i) =>
        store.recordLedger({
          channel: 'email',
          provider: 'email',
          toKey: i.to,
          text: `${i.subject}\n\n${i.text}`,
          at: Date.parse(i.at),
          attemptRef: i.attemptRef,
        }),
    });
  } catch (error) {
    await Promise.allSettled([...servers.map((server) => server.close()), smtp?.close()]);
    store.close();
    throw error;
  }
  const mail = smtp;
  const followDeps = { users: lineUsers, channels, sender };
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
    configureKaradenAccount(a) {
      const account: KaradenSandboxAccount = {
        token: a.token,
        tenantId: a.tenantId,
        serviceId: a.serviceId,
        callbackUrl: a.callbackUrl ?? null,
      };
      store.saveKaradenAccount(account);
      karadenAccounts.set(account.token, account);
    },
    configureVonageAccount(a) {
      const account: VonageSandboxAccount = {
        apiKey: a.apiKey,
        apiSecret: a.apiSecret,
        signatureSecret: a.signatureSecret ?? null,
        signatureMethod: a.signatureMethod ?? null,
        callbackUrl: a.callbackUrl ?? null,
      };
      store.saveVonageAccount(account);
      vonageAccounts.set(account.apiKey, account);
    },
  };

  let closing: Promise<void> | undefined;
  return {
    lineBaseUrl: baseUrl(line, host),
    twilioBaseUrl: baseUrl(twilio, host),
    karadenBaseUrl: `${baseUrl(karaden, host)}${KARADEN_API_PREFIX}`,
    vonageBaseUrl: baseUrl(vonage, host),
    smtpUrl: mail.url,
    configureEmailAccount: (a) => mail.configureAccount(a),
    setAddress: (address, update) => mail.setAddress(address, update),
    lineFollow: (userId, action) => changeFollow(followDeps, userId, action),
    configureLineChannel: (c) => void control.configureLineChannel(c),
    configureTwilioAccount: (a) => control.configureTwilioAccount(a),
    configureKaradenAccount: (a) => control.configureKaradenAccount(a),
    configureVonageAccount: (a) => control.configureVonageAccount(a),
    setNumber: (e164, settings) => control.setNumber(e164, settings),
    ledger: (to) => control.ledgerItems(to, -1),
    addFault: (spec) => faults.add(faultSpecSchema.parse(spec)),
    clearFaults: () => faults.clear(),
    setPopulation: (spec) =>
      numbers.setPopulation(spec === null ? null : toPopulation(populationSchema.parse(spec))),
    setLatency: (update) => latency.set(latencyUpdateSchema.parse(update)),
    controlPlugin: withRequestLog({ line, twilio, karaden, vonage }, async (app) => {
      await app.register(controlRoutes(control));
      await app.register(lineUserRoutes(followDeps));
      await app.register(emailRoutes(mail));
    }),
    close() {
      closing ??= (async () => {
        await Promise.allSettled([...servers.map((server) => server.close()), mail.close()]);
        await sender.close();
        store.close();
      })();
      return closing;
    },
  };
}
