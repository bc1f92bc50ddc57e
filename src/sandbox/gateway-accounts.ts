import type Database from 'better-sqlite3';

/** A Karaden project token the emulator accepts, with its tenant and its one service. */
export interface KaradenSandboxAccount {
  token: string;
  tenantId: string;
  serviceId: number;
  /** The service's result callback endpoint (set in Karaden's console); null: results are not sent. */
  callbackUrl: string | null;
}

/** How Vonage signs webhooks: MD5 hash, or an HMAC with MD5/SHA-1/SHA-256/SHA-512. */
export const SANDBOX_VONAGE_SIGNATURE_METHODS = ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const;
export type SandboxVonageSignatureMethod = (typeof SANDBOX_VONAGE_SIGNATURE_METHODS)[number];

/** A Vonage API key the emulator accepts, with the dashboard settings that shape its delivery receipts. */
export interface VonageSandboxAccount {
  apiKey: string;
  apiSecret: string;
  /** Signs delivery receipts when set (the dashboard's "signed webhooks"). */
  signatureSecret: string | null;
  /** Null: md5hash. */
  signatureMethod: SandboxVonageSignatureMethod | null;
  /** The dashboard's default delivery receipt URL, for messages sent without `callback`; null: none. */
  callbackUrl: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS karaden_accounts (
  token TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, service_id INTEGER NOT NULL, callback_url TEXT);
CREATE TABLE IF NOT EXISTS vonage_accounts (
  api_key TEXT PRIMARY KEY, api_secret TEXT NOT NULL, signature_secret TEXT, signature_method TEXT,
  callback_url TEXT);
`;

export interface GatewayAccountTables {
  saveKaraden(a: KaradenSandboxAccount): void;
  loadKaraden(): KaradenSandboxAccount[];
  saveVonage(a: VonageSandboxAccount): void;
  loadVonage(): VonageSandboxAccount[];
}

/** The Karaden and Vonage accounts the emulators accept: created if needed, kept across restarts. */
export function gatewayAccountTables(db: Database.Database): GatewayAccountTables {
  db.exec(SCHEMA);
  const saveKaraden = db.prepare(
    `INSERT INTO karaden_accounts (token, tenant_id, service_id, callback_url) VALUES (?, ?, ?, ?)
     ON CONFLICT (token) DO UPDATE SET tenant_id = excluded.tenant_id, service_id = excluded.service_id,
       callback_url = excluded.callback_url`,
  );
  const karaden = db.prepare('SELECT token, tenant_id, service_id, callback_url FROM karaden_accounts');
  const saveVonage = db.prepare(
    `INSERT INTO vonage_accounts (api_key, api_secret, signature_secret, signature_method, callback_url)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (api_key) DO UPDATE SET api_secret = excluded.api_secret,
       signature_secret = excluded.signature_secret, signature_method = excluded.signature_method,
       callback_url = excluded.callback_url`,
  );
  const vonage = db.prepare(
    'SELECT api_key, api_secret, signature_secret, signature_method, callback_url FROM vonage_accounts',
  );
  return {
    saveKaraden(a) {
      saveKaraden.run(a.token, a.tenantId, a.serviceId, a.callbackUrl);
    },
    loadKaraden() {
      type Row = { token: string; tenant_id: string; service_id: number; callback_url: string | null };
      return (karaden.all() as Row[]).map((r) => ({
        token: r.token,
        tenantId: r.tenant_id,
        serviceId: r.service_id,
        callbackUrl: r.callback_url,
      }));
    },
    saveVonage(a) {
      saveVonage.run(a.apiKey, a.apiSecret, a.signatureSecret, a.signatureMethod, a.callbackUrl);
    },
    loadVonage() {
      type Row = {
        api_key: string;
        api_secret: string;
        signature_secret: string | null;
        signature_method: SandboxVonageSignatureMethod | null;
        callback_url: string | null;
      };
      return (vonage.all() as Row[]).map((r) => ({
        apiKey: r.api_key,
        apiSecret: r.api_secret,
        signatureSecret: r.signature_secret,
        signatureMethod: r.signature_method,
        callbackUrl: r.callback_url,
      }));
    },
  };
}
