import { createHash, createHmac } from 'node:crypto';

/** The `to` of a LINE notification message: lowercase hex SHA-256 of the E.164 number, plus sign included. */
export function linePhoneHash(e164: string): string {
  return createHash('sha256').update(e164).digest('hex');
}

/** `x-line-signature`: base64 HMAC-SHA256 of the raw body with the channel secret. */
export function lineSignature(channelSecret: string, rawBody: string | Buffer): string {
  return createHmac('sha256', channelSecret).update(rawBody).digest('base64');
}

/**
 * `X-Twilio-Signature`: base64 HMAC-SHA1 with the auth token over the full URL followed by every POST
 * parameter's name and value, parameters sorted by name.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const hmac = createHmac('sha1', authToken).update(url, 'utf8');
  for (const name of Object.keys(params).sort()) hmac.update(name + params[name], 'utf8');
  return hmac.digest('base64');
}
