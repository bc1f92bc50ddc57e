import type { Channel } from '../channels.js';
import { DOMESTIC_SMS_MAX_CHARACTERS } from './carriers.js';
import { LINE_LIMITS } from './line-limits.js';
import { measureSms, type SmsMeasurement } from './measure-sms.js';

/** A LINE text (push, or a flexible notification message): one message bubble, counted in UTF-16 code units. */
export interface LineTextMeasurement {
  readonly channel: 'line_pnp' | 'line_push';
  readonly characters: number;
  readonly encoding: 'UTF-16';
  readonly encodedLength: number;
  readonly parts: number;
  readonly unitsByCarrier: null;
  readonly limit: number;
  readonly overLimit: boolean;
  readonly overLimitByCarrier: null;
}

/** E-mail has no length limit worth enforcing here; measured for the preview only. */
export interface EmailMeasurement {
  readonly channel: 'email';
  readonly characters: number;
  readonly encoding: 'UTF-8';
  readonly encodedLength: number;
  readonly parts: number;
  readonly unitsByCarrier: null;
  readonly limit: null;
  readonly overLimit: false;
  readonly overLimitByCarrier: null;
}

export type TextMeasurement = SmsMeasurement | LineTextMeasurement | EmailMeasurement;

/** The most UTF-16 code units a channel accepts in one text (null: no limit), as `measureText` reports it. */
export function textLimit(channel: Channel): number | null {
  if (channel === 'sms') return DOMESTIC_SMS_MAX_CHARACTERS;
  if (channel === 'email') return null;
  return LINE_LIMITS.textMaxCharacters;
}

/** The one entry point: how long a rendered text is on a channel, what it costs in parts/units, whether it fits. */
export function measureText(channel: 'sms', text: string): SmsMeasurement;
export function measureText(channel: 'line_pnp' | 'line_push', text: string): LineTextMeasurement;
export function measureText(channel: 'email', text: string): EmailMeasurement;
export function measureText(channel: Channel, text: string): TextMeasurement;
export function measureText(channel: Channel, text: string): TextMeasurement {
  const characters = text.length;
  const parts = characters === 0 ? 0 : 1;
  switch (channel) {
    case 'sms':
      return measureSms(text);
    case 'line_pnp':
    case 'line_push':
      return {
        channel,
        characters,
        encoding: 'UTF-16',
        encodedLength: characters,
        parts,
        unitsByCarrier: null,
        limit: LINE_LIMITS.textMaxCharacters,
        overLimit: characters > LINE_LIMITS.textMaxCharacters,
        overLimitByCarrier: null,
      };
    case 'email':
      return {
        channel,
        characters,
        encoding: 'UTF-8',
        encodedLength: utf8Length(text),
        parts,
        unitsByCarrier: null,
        limit: null,
        overLimit: false,
        overLimitByCarrier: null,
      };
  }
}

/** UTF-8 bytes of the text (a lone surrogate counts 3, as its replacement character would). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (
      c >= 0xd800 &&
      c <= 0xdbff &&
      i + 1 < text.length &&
      (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    ) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
