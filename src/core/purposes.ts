import { CHANNELS, type Channel } from './channels.js';
import type { SendWindow } from './send-window.js';

/**
 * Why a message is sent (DESIGN §2), and what that allows: the channels it may use, whether SMS and e-mail need
 * the person's opt-in, the hours it may reach people, and whether it may ignore those hours.
 */
export interface PurposePolicy {
  name: string;
  /** Shown in the console and GET /v1/purposes. */
  label: { ja: string; en: string };
  /** Channels a route step may use for this purpose. */
  channels: readonly Channel[];
  /** Advertising rather than a notice the person needs: LINE forbids it in notification messages. */
  promotional: boolean;
  /** SMS and e-mail only to people who opted in (特定電子メール法): the request must say when they did. */
  consentRequired: boolean;
  /** When steps may send, in the recipient's time zone; null: any time. */
  window: SendWindow | null;
  /** Sends at any hour, ignoring the window (fraud and security alerts). */
  critical: boolean;
}

/** Suppressions (opt-outs) are kept per purpose class: opting out of adverts does not stop payment reminders. */
export type PurposeClass = 'transactional' | 'promotional';
export const PURPOSE_CLASSES: readonly PurposeClass[] = ['transactional', 'promotional'];

export function purposeClass(policy: Pick<PurposePolicy, 'promotional'>): PurposeClass {
  return policy.promotional ? 'promotional' : 'transactional';
}

/** Channels on which a consent-required purpose needs the recipient's opt-in. */
export const CONSENT_CHANNELS: readonly Channel[] = ['sms', 'email'];

/** LINE forbids promotional content in notification messages (PNP). */
export const PROMOTIONAL_CHANNELS: readonly Channel[] = CHANNELS.filter((c) => c !== 'line_pnp');

/**
 * Collection contact is barred from 21:00 to 08:00 (貸金業法 第21条 and its guidelines); todoke applies the same
 * hours to other reminders that ask something of the person.
 */
const DAYTIME: SendWindow = { start: '08:00', end: '21:00', skipHolidays: false };
const ADVERTISING_HOURS: SendWindow = { start: '09:00', end: '20:00', skipHolidays: false };

type Defaults = Pick<PurposePolicy, 'label'> & Partial<Omit<PurposePolicy, 'name' | 'label'>>;

const DEFAULTS: Record<string, Defaults> = {
  payment_reminder: { label: { ja: 'お支払いのお願い', en: 'Payment reminder' }, window: DAYTIME },
  payment_confirmation: { label: { ja: 'お支払い完了のお知らせ', en: 'Payment confirmation' } },
  shipping_notice: { label: { ja: '発送のお知らせ', en: 'Shipping notice' } },
  delivery_notice: { label: { ja: 'お届けのお知らせ', en: 'Delivery notice' } },
  registration_complete: { label: { ja: 'ご登録完了のお知らせ', en: 'Registration complete' } },
  reservation_confirmation: { label: { ja: 'ご予約確定のお知らせ', en: 'Reservation confirmation' } },
  reservation_reminder: {
    label: { ja: 'ご予約のリマインド', en: 'Reservation reminder' },
    window: DAYTIME,
  },
  usage_alert: { label: { ja: 'ご利用のお知らせ', en: 'Usage alert' } },
  security_alert: { label: { ja: 'セキュリティのお知らせ', en: 'Security alert' }, critical: true },
  account_update_request: {
    label: { ja: 'ご登録情報更新のお願い', en: 'Account update request' },
    window: DAYTIME,
  },
  procedure_notice: { label: { ja: 'お手続きのお知らせ', en: 'Procedure notice' } },
  promotion: {
    label: { ja: 'キャンペーン・販促', en: 'Promotion' },
    promotional: true,
    window: ADVERTISING_HOURS,
  },
};

/** The purposes configured when the config file lists none. All are transactional except `promotion`. */
export const DEFAULT_PURPOSES: readonly string[] = Object.keys(DEFAULTS);

/**
 * The policy of a purpose named `name`, with `overrides` on top of its defaults: those of a default purpose, or
 * for any other name a transactional purpose on every channel at any hour. A promotional purpose defaults to the
 * channels LINE allows for adverts and to needing consent.
 */
export function purposePolicy(
  name: string,
  overrides: Partial<Omit<PurposePolicy, 'name'>> = {},
): PurposePolicy {
  const base = Object.hasOwn(DEFAULTS, name) ? DEFAULTS[name]! : undefined;
  const promotional = overrides.promotional ?? base?.promotional ?? false;
  return {
    name,
    label: overrides.label ?? base?.label ?? { ja: name, en: name },
    channels: overrides.channels ?? base?.channels ?? (promotional ? PROMOTIONAL_CHANNELS : CHANNELS),
    promotional,
    consentRequired: overrides.consentRequired ?? base?.consentRequired ?? promotional,
    window: overrides.window !== undefined ? overrides.window : (base?.window ?? null),
    critical: overrides.critical ?? base?.critical ?? false,
  };
}

/** Configured purposes by name. */
export type PurposeCatalogue = Readonly<Record<string, PurposePolicy>>;

/** The default catalogue: the twelve default purposes with their default policies. */
export function defaultPurposeCatalogue(): PurposeCatalogue {
  return Object.fromEntries(DEFAULT_PURPOSES.map((name) => [name, purposePolicy(name)]));
}

/** What is wrong with a policy, for config validation: a promotional purpose allowed on LINE PNP. */
export function policyProblems(policy: PurposePolicy): string[] {
  if (policy.promotional && policy.channels.includes('line_pnp')) {
    return [
      'channels: line_pnp is not allowed for a promotional purpose (LINE forbids adverts in notification messages)',
    ];
  }
  return [];
}
