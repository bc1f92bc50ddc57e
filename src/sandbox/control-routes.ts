import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { FaultBoard } from './fault-board.js';
import { faultRoutes } from './fault-routes.js';
import { SANDBOX_VONAGE_SIGNATURE_METHODS } from './gateway-accounts.js';
import type { LatencyTable } from './latency.js';
import { latencyRoutes } from './latency-routes.js';
import { e164Schema, numberSettingsUpdateSchema, type NumberSettings } from './number-settings.js';
import { populationRoutes, type PopulationControl } from './population-routes.js';
import { describe, problem } from './problem.js';
import type { KaradenAccountSettings, VonageAccountSettings } from './start-sandbox.js';
import type { LedgerItem } from './store.js';

/** What the control API works on: the running sandbox. */
export interface SandboxControl extends PopulationControl {
  faults: FaultBoard;
  latency: LatencyTable;
  setNumber(e164: string, settings: Partial<NumberSettings>): NumberSettings;
  getNumber(e164: string): NumberSettings;
  listNumbers(): { number: string; settings: NumberSettings }[];
  ledgerItems(to: string | undefined, limit: number): LedgerItem[];
  clearLedger(): void;
  configureLineChannel(c: {
    accessToken: string;
    channelSecret: string;
    webhookUrl: string;
    botUserId?: string;
  }): {
    botUserId: string;
  };
  configureTwilioAccount(a: { accountSid: string; authToken: string }): void;
  configureKaradenAccount(a: KaradenAccountSettings): void;
  configureVonageAccount(a: VonageAccountSettings): void;
}

const numberParams = z.object({ e164: e164Schema });
const ledgerQuery = z.object({
  /** An E.164 number, a LINE user ID (push) or an e-mail address. */
  to: z
    .union([e164Schema, z.string().regex(/^U[0-9a-f]{32}$/), z.email().transform((a) => a.toLowerCase())])
    .optional(),
  limit: z.coerce.number().int().min(1).max(1_000_000).default(1000),
});
const lineChannelBody = z.strictObject({
  accessToken: z.string().min(1),
  channelSecret: z.string().min(1),
  webhookUrl: z.url({ protocol: /^https?$/ }),
  botUserId: z
    .string()
    .regex(/^U[0-9a-f]{32}$/)
    .optional(),
});
const twilioAccountBody = z.strictObject({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  authToken: z.string().min(1),
});
const callbackUrl = z
  .url({ protocol: /^https?$/ })
  .nullable()
  .optional();
const karadenAccountBody = z.strictObject({
  tenantId: z.guid(),
  token: z.string().min(1),
  serviceId: z.number().int().positive(),
  callbackUrl,
});
const vonageAccountBody = z.strictObject({
  apiKey: z.string().length(8),
  apiSecret: z.string().min(6).max(32),
  signatureSecret: z.string().min(1).nullable().optional(),
  signatureMethod: z.enum(SANDBOX_VONAGE_SIGNATURE_METHODS).nullable().optional(),
  callbackUrl,
});

/**
 * The sandbox's control API under /__sandbox/: per-number behaviour, the ledger of what each number received,
 * (for a standalone sandbox) the LINE channels and the Twilio, Karaden and Vonage accounts it accepts, and what operators rehearse
 * failures with: faults, a population of numbers, latency. Inputs are checked here with
 * zod, so the plugin works on any Fastify instance whatever its type provider.
 */
export function controlRoutes(sandbox: SandboxControl): FastifyPluginAsync {
  return async (app) => {
    app.put<{ Params: { e164: string } }>('/__sandbox/numbers/:e164', async (req, reply) => {
      const params = numberParams.safeParse(req.params);
      if (!params.success) return problem(reply, 400, 'invalid_number', describe(params.error));
      const body = numberSettingsUpdateSchema.safeParse(req.body ?? {});
      if (!body.success) return problem(reply, 400, 'invalid_settings', describe(body.error));
      return sandbox.setNumber(params.data.e164, body.data);
    });

    app.get<{ Params: { e164: string } }>('/__sandbox/numbers/:e164', async (req, reply) => {
      const params = numberParams.safeParse(req.params);
      if (!params.success) return problem(reply, 400, 'invalid_number', describe(params.error));
      return sandbox.getNumber(params.data.e164);
    });

    app.get('/__sandbox/numbers', async () => ({ items: sandbox.listNumbers() }));

    app.get('/__sandbox/ledger', async (req, reply) => {
      const query = ledgerQuery.safeParse(req.query);
      if (!query.success) return problem(reply, 400, 'invalid_query', describe(query.error));
      return { items: sandbox.ledgerItems(query.data.to, query.data.limit) };
    });

    app.delete('/__sandbox/ledger', async (_req, reply) => {
      sandbox.clearLedger();
      return reply.code(204).send();
    });

    app.put('/__sandbox/line/channels', async (req, reply) => {
      const body = lineChannelBody.safeParse(req.body ?? {});
      if (!body.success) return problem(reply, 400, 'invalid_channel', describe(body.error));
      const { botUserId } = sandbox.configureLineChannel(body.data);
      return { botUserId, webhookUrl: body.data.webhookUrl };
    });

    app.put('/__sandbox/twilio/accounts', async (req, reply) => {
      const body = twilioAccountBody.safeParse(req.body ?? {});
      if (!body.success) return problem(reply, 400, 'invalid_account', describe(body.error));
      sandbox.configureTwilioAccount(body.data);
      return { accountSid: body.data.accountSid };
    });

    app.put('/__sandbox/karaden/accounts', async (req, reply) => {
      const body = karadenAccountBody.safeParse(req.body ?? {});
      if (!body.success) return problem(reply, 400, 'invalid_account', describe(body.error));
      sandbox.configureKaradenAccount(body.data);
      return { tenantId: body.data.tenantId, serviceId: body.data.serviceId };
    });

    app.put('/__sandbox/vonage/accounts', async (req, reply) => {
      const body = vonageAccountBody.safeParse(req.body ?? {});
      if (!body.success) return problem(reply, 400, 'invalid_account', describe(body.error));
      sandbox.configureVonageAccount(body.data);
      return { apiKey: body.data.apiKey };
    });

    await app.register(faultRoutes(sandbox.faults));
    await app.register(populationRoutes(sandbox));
    await app.register(latencyRoutes(sandbox.latency));
  };
}
