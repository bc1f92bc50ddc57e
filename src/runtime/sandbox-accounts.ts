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
export const SANDBOX_KARADEN = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  token: 'sandbox-karaden-token',
  serviceId: 1,
};
export const SANDBOX_VONAGE = {
  apiKey: 'sandbox1',
  apiSecret: 'sandbox-vonage-secret',
  signatureSecret: 'sandbox-vonage-signature-secret',
};
export const SANDBOX_EMAIL = {
  user: 'todoke-sandbox',
  password: 'sandbox-smtp-password',
  webhookToken: 'sandbox-email-webhook-token',
};

/**
 * The accounts `npm start` uses when the config file names none, all pointed at the local emulators with their
 * webhooks coming back to this server: one LINE channel (notification messages and push), three SMS gateways in
 * failover order (Twilio, then 空電プッシュ, then Vonage) and one SMTP server. Prices are illustrative yen.
 */
export function sandboxAccounts(sandbox: Sandbox, publicUrl: string): Record<string, AccountConfig> {
  sandbox.configureLineChannel({ ...SANDBOX_LINE, webhookUrl: `${publicUrl}/webhooks/line/line-sandbox` });
  sandbox.configureTwilioAccount(SANDBOX_TWILIO);
  sandbox.configureKaradenAccount({
    ...SANDBOX_KARADEN,
    callbackUrl: `${publicUrl}/webhooks/karaden/karaden-sandbox`,
  });
  sandbox.configureVonageAccount({ ...SANDBOX_VONAGE, signatureMethod: 'sha256' });
  sandbox.configureEmailAccount({
    user: SANDBOX_EMAIL.user,
    password: SANDBOX_EMAIL.password,
    bounceUrl: `${publicUrl}/webhooks/email/email-sandbox`,
    bounceToken: SANDBOX_EMAIL.webhookToken,
  });
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
      // A gateway's volume discount: the first 100,000 parts of the month at ¥10, every further one at ¥8.
      price: { tiers: [{ upTo: 100_000, unit: 10 }, { unit: 8 }] },
    },
    'karaden-sandbox': {
      name: 'karaden-sandbox',
      provider: 'karaden',
      baseUrl: sandbox.karadenBaseUrl,
      rateLimit: 50,
      concurrency: 16,
      timeoutMs: 10_000,
      ...SANDBOX_KARADEN,
      price: { unit: 8 },
    },
    'vonage-sandbox': {
      name: 'vonage-sandbox',
      provider: 'vonage',
      baseUrl: sandbox.vonageBaseUrl,
      rateLimit: 30,
      concurrency: 16,
      timeoutMs: 10_000,
      ...SANDBOX_VONAGE,
      signatureMethod: 'sha256',
      from: 'TODOKE',
      price: { unit: 11 },
    },
    'email-sandbox': {
      name: 'email-sandbox',
      provider: 'email',
      baseUrl: sandbox.smtpUrl,
      rateLimit: 100,
      concurrency: 8,
      timeoutMs: 30_000,
      from: 'noreply@todoke.example',
      fromName: '届け (sandbox)',
      user: SANDBOX_EMAIL.user,
      password: SANDBOX_EMAIL.password,
      starttls: 'never',
      webhookToken: SANDBOX_EMAIL.webhookToken,
      price: { unit: 0 },
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
