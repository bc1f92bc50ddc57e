import type { ContentInput, ContentRule, Finding, RuleId, RuleLevels } from './content-rule.js';
import { linePnpPromotionRule } from './line-pnp-promotion.js';
import { missingOptOutRule } from './missing-opt-out.js';
import { overLengthRule } from './over-length.js';
import { pnpTemplateFieldsRule } from './pnp-template-fields.js';
import { smsUrlRule } from './sms-url.js';

/** Every content rule, in the order findings are reported. */
export const CONTENT_RULES: readonly ContentRule[] = [
  overLengthRule,
  pnpTemplateFieldsRule,
  linePnpPromotionRule,
  smsUrlRule,
  missingOptOutRule,
];

export const DEFAULT_RULE_LEVELS: Readonly<Record<RuleId, ContentRule['defaultLevel']>> = Object.fromEntries(
  CONTENT_RULES.map((rule) => [rule.id, rule.defaultLevel]),
) as Record<RuleId, ContentRule['defaultLevel']>;

export interface ContentCheck {
  readonly findings: readonly Finding[];
  /** True when any finding is at `block`: the message must not be sent. */
  readonly blocked: boolean;
}

/** Runs every rule at its configured level (its default when `levels` names none); `off` rules do not run. */
export function checkContent(input: ContentInput, levels: RuleLevels = {}): ContentCheck {
  const findings: Finding[] = [];
  let blocked = false;
  for (const rule of CONTENT_RULES) {
    const level = levels[rule.id] ?? rule.defaultLevel;
    if (level === 'off') continue;
    for (const found of rule.check(input, level)) {
      findings.push(found);
      if (found.level === 'block') blocked = true;
    }
  }
  return { findings, blocked };
}
