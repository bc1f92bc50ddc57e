import type { AccountConfig } from '../config/config.js';
import { listPriceOf } from '../config/account-price.js';
import { accountsForChannel } from '../config/route-steps.js';
import type { Channel } from '../core/channels.js';
import type { Route, RouteStep } from '../core/route.js';
import { measureSms } from '../core/text/measure-sms.js';
import type { CampaignEstimate, ChannelCostEstimate } from '../store/campaign-records.js';

/**
 * The step a recipient's message starts at: the first step the engine would not skip. A step is skipped when
 * the person opted out of its channel, or when the channel definitely could not reach the number recently
 * (reachability memory: a number LINE answered 422 for goes straight to SMS). Null when every step is skipped.
 */
export function firstStep(
  route: Route,
  skipped: (channel: Channel, index: number) => boolean,
): number | null {
  const index = route.steps.findIndex((step, i) => !skipped(step.channel, i));
  return index === -1 ? null : index;
}

/** Billable units of an SMS: parts for Twilio, else the most carrier units any carrier bills (domestic gateways). */
export function smsUnits(provider: string, text: string): number {
  const m = measureSms(text);
  if (provider === 'twilio') return m.parts;
  return Math.max(...Object.values(m.unitsByCarrier));
}

/** The account a step's cost is estimated with: the first of its accounts that has a price. */
function pricedAccount(accounts: readonly string[], config: Record<string, AccountConfig>) {
  for (const name of accounts) {
    const unitPrice = listPriceOf(config[name]);
    if (unitPrice !== null) return { name, provider: config[name]!.provider, unitPrice };
  }
  return null;
}

/**
 * Counts what validation sees, recipient by recipient, and turns it into the estimate: recipients by first
 * step, average units per SMS, and the cost of this route against sending everyone an SMS.
 */
export class EstimateTally {
  private readonly byStep: number[];
  private unreachable = 0;
  private sendable = 0;
  /** SMS texts measured, and their units as Twilio (parts) and as domestic gateways bill them. */
  private smsTexts = 0;
  private smsParts = 0;
  private smsCarrierUnits = 0;

  constructor(private readonly route: Route) {
    this.byStep = route.steps.map(() => 0);
  }

  /** One sendable recipient: the step it starts at, and the text it would get by SMS. */
  add(step: number | null, smsText: string | null): void {
    this.sendable++;
    if (step === null) this.unreachable++;
    else this.byStep[step]!++;
    if (smsText !== null && smsText.length > 0) {
      const m = measureSms(smsText);
      this.smsTexts++;
      this.smsParts += m.parts;
      this.smsCarrierUnits += Math.max(...Object.values(m.unitsByCarrier));
    }
  }

  private smsUnitsPerMessage(provider: string): number {
    if (this.smsTexts === 0) return 1;
    return (provider === 'twilio' ? this.smsParts : this.smsCarrierUnits) / this.smsTexts;
  }

  private channelEstimate(step: RouteStep, accounts: Record<string, AccountConfig>): ChannelCostEstimate {
    const priced = pricedAccount(step.accounts, accounts);
    return {
      channel: step.channel,
      account: priced?.name ?? step.accounts[0] ?? null,
      unitPrice: priced?.unitPrice ?? null,
      unitsPerMessage: step.channel === 'sms' ? this.smsUnitsPerMessage(priced?.provider ?? 'karaden') : 1,
    };
  }

  finish(accounts: Record<string, AccountConfig>): CampaignEstimate {
    const channels = this.route.steps.map((step) => this.channelEstimate(step, accounts));
    let expectedYen: number | null = 0;
    for (const [i, count] of this.byStep.entries()) {
      if (count === 0) continue;
      const c = channels[i]!;
      if (c.unitPrice === null) {
        expectedYen = null;
        break;
      }
      expectedYen += count * c.unitsPerMessage * c.unitPrice;
    }
    const smsStep = this.route.steps.find((s) => s.channel === 'sms');
    const smsAccount = pricedAccount(smsStep?.accounts ?? accountsForChannel(accounts, 'sms'), accounts);
    const smsOnlyYen = smsAccount
      ? this.sendable * this.smsUnitsPerMessage(smsAccount.provider) * smsAccount.unitPrice
      : null;
    const round = (yen: number | null) => (yen === null ? null : Math.round(yen * 100) / 100);
    return {
      byFirstStep: this.route.steps.map((step, i) => ({
        step: i,
        channel: step.channel,
        recipients: this.byStep[i]!,
      })),
      knownUnreachable: this.unreachable,
      channels,
      expectedYen: round(expectedYen),
      smsOnlyYen: round(smsOnlyYen),
      savingYen: expectedYen === null || smsOnlyYen === null ? null : round(smsOnlyYen - expectedYen),
    };
  }
}
