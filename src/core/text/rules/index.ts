export { RULE_IDS, finding } from './content-rule.js';
export type {
  ActiveLevel,
  ContentInput,
  ContentRule,
  Finding,
  LocalizedText,
  RuleId,
  RuleLevel,
  RuleLevels,
} from './content-rule.js';
export { CONTENT_RULES, DEFAULT_RULE_LEVELS, checkContent } from './check-content.js';
export type { ContentCheck } from './check-content.js';
export { findUrls } from './find-urls.js';
export type { TextSpan } from './find-urls.js';
export { smsUrlRule } from './sms-url.js';
export { linePnpPromotionRule } from './line-pnp-promotion.js';
export { overLengthRule } from './over-length.js';
export { pnpTemplateFieldsRule } from './pnp-template-fields.js';
export { OPT_OUT_WORDS, hasOptOutWording, missingOptOutRule } from './missing-opt-out.js';
