import type { AccountConfig } from '../config/config.js';
import type { Route } from '../core/route.js';
import { DEFAULT_RETRY } from '../core/route.js';
import { defaultRoutes } from '../config/load-config.js';
import type { Sandbox } from '../sandbox/index.js';

/** Fixed credentials of the local emulators: they guard nothing but keep the sandbox's requests realistic. */
export const SANDBOX_LINE = {
  accessToken: 'sandbox-line-channel-access-token',
  channelSecret: 'sandbox-line-channel-secret',
};
export const SANDBOX_TWILIO = {
  accountSid: 'AC00000000000000000000000000000000',
  authToken: 'sandbox-twilio-auth-token',
};

/**
 * The accounts `npm start` uses when the config file names none: one LINE channel and one Twilio account, both
 * pointed at the local emulators, with LINE webhooks coming back to this server.
 */
export function sandboxAccounts(sandbox: Sandbox, publicUrl: string): Record<string, AccountConfig> {
  sandbox.configureLineChannel({ ...SANDBOX_LINE, webhookUrl: `${publicUrl}/webhooks/line/line-sandbox` });
  sandbox.configureTwilioAccount(SANDBOX_TWILIO);
  return {
    'line-sandbox': {
      name: 'line-sandbox',
      provider: 'line',
      baseUrl: sandbox.lineBaseUrl,
      rateLimit: 2000,
      concurrency: 64,
      timeoutMs: 10_000,
      channelAccessToken: SANDBOX_LINE.accessToken,
      channelSecret: SANDBOX_LINE.channelSecret,
      price: { unit: 3 },
    },
    'twilio-sandbox': {
      name: 'twilio-sandbox',
      provider: 'twilio',
      baseUrl: sandbox.twilioBaseUrl,
      rateLimit: 100,
      concurrency: 32,
      timeoutMs: 10_000,
      accountSid: SANDBOX_TWILIO.accountSid,
      authToken: SANDBOX_TWILIO.authToken,
      from: '+15005550006',
      price: { unit: 10 },
    },
  };
}

/** The default routes, plus `demo-fast-fallback`: LINE first, SMS after 20 s instead of 15 min, for trying it out. */
export function sandboxRoutes(accounts: Record<string, AccountConfig>): Record<string, Route> {
  const routes = defaultRoutes(accounts);
  routes['demo-fast-fallback'] = {
    name: 'demo-fast-fallback',
    steps: [
      { channel: 'line_pnp', accounts: ['line-sandbox'], fallbackAfterMs: 20_000, retry: DEFAULT_RETRY },
      { channel: 'sms', accounts: ['twilio-sandbox'], fallbackAfterMs: 60_000, retry: DEFAULT_RETRY },
    ],
  };
  return routes;
}

/** Numbers the demo sets up so every path can be watched at once. */
export const DEMO_NUMBERS: { phone: string; note: string; settings: Parameters<Sandbox['setNumber']>[1] }[] =
  [
    {
      phone: '+819010000001',
      note: 'LINE user: LINE delivers',
      settings: { line: 'delivered', sms: 'delivered' },
    },
    {
      phone: '+819010000002',
      note: 'no LINE account: LINE 422, SMS at once',
      settings: { line: 'not_found', sms: 'delivered' },
    },
    {
      phone: '+819010000003',
      note: 'blocked the LINE account: SMS after fallbackAfter',
      settings: { line: 'blocked', sms: 'delivered' },
    },
    {
      phone: '+819010000004',
      note: 'no LINE, SMS undelivered: the message fails',
      settings: { line: 'not_found', sms: 'undelivered' },
    },
  ];
