import type { TodokeConfig } from '../config/config.js';
import { listPriceOf } from '../config/account-price.js';
import { accountsForChannel } from '../config/route-steps.js';
import type { Channel } from '../core/channels.js';
import type { PurposePolicy } from '../core/purposes.js';
import { renderTemplate, type RenderedChannel } from '../core/templates/index.js';
import { findGarbledCharacters, type GarbledCharacter } from '../core/text/garbled-characters.js';
import { measureText, type TextMeasurement } from '../core/text/measure-text.js';
import { checkContent } from '../core/text/rules/check-content.js';
import type { Finding } from '../core/text/rules/content-rule.js';
import { renderFailure } from './message-content.js';
import type { ResolvedTemplate } from './template-resolver.js';

/** What one recipient would cost through one account, at the account's list price (`price.unit` or first tier). */
export interface CostEstimate {
  account: string;
  provider: string;
  /** Billable units: SMS parts (Twilio) or the most carrier units of any carrier (domestic gateways); else 1. */
  units: number;
  unitPrice: number;
  yen: number;
}

export interface ChannelPreview {
  content: RenderedChannel;
  /** Of the text; null for a LINE template message (its fields are checked by the content rules). */
  measurement: TextMeasurement | null;
  /** Characters a carrier may garble (SMS only). */
  garbled: readonly GarbledCharacter[];
  findings: readonly Finding[];
  /** Content rules at level block would refuse a message with this content. */
  blocked: boolean;
  cost: CostEstimate[];
}

export interface Preview {
  template: { id: string; name: string; version: number };
  purpose: string | null;
  channels: Partial<Record<Channel, ChannelPreview>>;
}

function unitsOf(provider: string, measurement: TextMeasurement | null): number {
  if (!measurement || measurement.channel !== 'sms') return 1;
  if (provider === 'twilio') return measurement.parts;
  return Math.max(...Object.values(measurement.unitsByCarrier));
}

function costs(config: TodokeConfig, channel: Channel, measurement: TextMeasurement | null): CostEstimate[] {
  const out: CostEstimate[] = [];
  for (const name of accountsForChannel(config.accounts, channel)) {
    const account = config.accounts[name]!;
    const unitPrice = listPriceOf(account);
    if (unitPrice === null) continue;
    const units = unitsOf(account.provider, measurement);
    out.push({ account: name, provider: account.provider, units, unitPrice, yen: units * unitPrice });
  }
  return out;
}

/**
 * What each person would see on each channel with these variables, how long it is and what it costs, and what
 * the content rules say about it. Throws the same errors as acceptance when the variables do not render.
 */
export function previewTemplate(
  resolved: ResolvedTemplate,
  variables: Record<string, unknown>,
  channels: readonly Channel[] | undefined,
  policy: PurposePolicy | null,
  config: TodokeConfig,
): Preview {
  const { template, version, compiled } = resolved;
  const wanted = (channels ?? compiled.channels).filter((c) => compiled.fields[c]);
  const result = renderTemplate(compiled, variables, wanted);
  if (!result.ok) throw renderFailure(result);
  const preview: Preview = {
    template: { id: template.id, name: template.name, version: version.version },
    purpose: policy?.name ?? null,
    channels: {},
  };
  for (const channel of wanted) {
    const content = result.channels[channel]!;
    const measurement = content.pnpTemplate ? null : measureText(channel, content.text);
    const check = checkContent(
      {
        channel,
        text: content.text,
        purpose: policy?.name,
        promotional: policy?.promotional ?? false,
        subject: content.subject,
        pnpTemplate: content.pnpTemplate?.body,
      },
      config.contentRules,
    );
    preview.channels[channel] = {
      content,
      measurement,
      garbled: channel === 'sms' ? findGarbledCharacters(content.text) : [],
      findings: check.findings,
      blocked: check.blocked,
      cost: costs(config, channel, measurement),
    };
  }
  return preview;
}
