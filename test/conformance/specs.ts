import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the providers' official OpenAPI documents are: the folder named by TODOKE_SPECS_DIR, else `shared/specs/`
 * beside the repository (as on developer machines), else /work/shared/specs (a clone checked out elsewhere on them).
 */
const CANDIDATES = [
  process.env.TODOKE_SPECS_DIR,
  fileURLToPath(new URL('../../../shared/specs/', import.meta.url)),
  '/work/shared/specs/',
].filter((dir): dir is string => dir !== undefined && dir !== '');

export const SPECS_DIR = CANDIDATES.find((dir) => existsSync(dir)) ?? CANDIDATES[0]!;

export function specFile(name: string): string {
  const file = `${SPECS_DIR.replace(/\/?$/, '/')}${name}`;
  if (!existsSync(file)) throw new Error(`official spec not found: ${file} (set TODOKE_SPECS_DIR)`);
  return file;
}

export const LINE_MESSAGING_SPEC = 'line-messaging-api.yml';
export const LINE_WEBHOOK_SPEC = 'line-webhook.yml';
export const TWILIO_SPEC = 'twilio-api-v2010.yaml';
