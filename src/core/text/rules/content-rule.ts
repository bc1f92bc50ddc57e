import type { Channel } from '../../channels.js';
import type { PnpTemplateBody } from '../line-limits.js';

export const RULE_IDS = [
  'sms_url',
  'line_pnp_promotion',
  'over_length',
  'pnp_template_fields',
  'missing_opt_out',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** `off` skips the rule, `warn` reports, `block` reports and refuses the message. */
export type RuleLevel = 'off' | 'warn' | 'block';
export type ActiveLevel = Exclude<RuleLevel, 'off'>;
export type RuleLevels = Readonly<Partial<Record<RuleId, RuleLevel>>>;

export interface LocalizedText {
  readonly ja: string;
  readonly en: string;
}

/** What a rule looks at: one rendered channel content. */
export interface ContentInput {
  readonly channel: Channel;
  /** The rendered text (SMS body, LINE text, e-mail text body); '' for a PNP template message. */
  readonly text: string;
  /** The message's purpose (`payment_reminder`, `promotion` …). */
  readonly purpose?: string | undefined;
  /** Whether the purpose is promotional (advertising), as the purpose catalogue says. */
  readonly promotional?: boolean | undefined;
  /** The e-mail subject, searched for opt-out wording along with the body. */
  readonly subject?: string | undefined;
  /** The body of a LINE notification message (template). */
  readonly pnpTemplate?: PnpTemplateBody | undefined;
}

export interface Finding {
  readonly ruleId: RuleId;
  readonly level: ActiveLevel;
  /** Japanese first, then English: `本文にURLがあります。 / The SMS contains a URL.` */
  readonly message: string;
  readonly messages: LocalizedText;
  /** Position in `text` (or in `field` when set), UTF-16 code units, end exclusive. */
  readonly start: number;
  readonly end: number;
  /** For a finding inside a PNP template: the JSON path of the field (`body.items[2].content`). */
  readonly field?: string;
}

export interface ContentRule {
  readonly id: RuleId;
  readonly description: LocalizedText;
  /** The level when the configuration names none. */
  readonly defaultLevel: ActiveLevel;
  /** Findings at `level` (the rule's default when omitted). */
  check(input: ContentInput, level?: ActiveLevel): Finding[];
}

/** A finding in the shape every rule returns. */
export function finding(
  ruleId: RuleId,
  level: ActiveLevel,
  messages: LocalizedText,
  start: number,
  end: number,
  field?: string,
): Finding {
  const base = { ruleId, level, message: `${messages.ja} / ${messages.en}`, messages, start, end };
  return field === undefined ? base : { ...base, field };
}
