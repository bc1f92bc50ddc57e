import { findPnpTemplateViolations, type PnpTemplateProblem } from '../line-limits.js';
import { finding, type ContentRule, type LocalizedText } from './content-rule.js';

function describe(problem: PnpTemplateProblem, actual: number, limit: number): LocalizedText {
  switch (problem) {
    case 'emphasized_item_too_long':
      return {
        ja: `強調アイテムが${actual}文字あり、上限の${limit}文字を超えています。`,
        en: `The emphasized item is ${actual} characters long, over the limit of ${limit}.`,
      };
    case 'item_too_long':
      return {
        ja: `アイテムが${actual}文字あり、上限の${limit}文字を超えています。`,
        en: `The item is ${actual} characters long, over the limit of ${limit}.`,
      };
    case 'button_url_too_long':
      return {
        ja: `ボタンのURLが${actual}文字あり、上限の${limit}文字を超えています。`,
        en: `The button URL is ${actual} characters long, over the limit of ${limit}.`,
      };
    case 'too_many_items':
      return {
        ja: `アイテムが${actual}個あり、上限の${limit}個を超えています。`,
        en: `There are ${actual} items, over the limit of ${limit}.`,
      };
    case 'too_many_buttons':
      return {
        ja: `ボタンが${actual}個あり、上限の${limit}個を超えています。`,
        en: `There are ${actual} buttons, over the limit of ${limit}.`,
      };
    case 'duplicate_item_key':
      return { ja: '同じitemKeyが複数回使われています。', en: 'The same itemKey is used more than once.' };
    case 'duplicate_button_key':
      return {
        ja: '同じbuttonKeyが複数回使われています。',
        en: 'The same buttonKey is used more than once.',
      };
  }
}

/** The fields of a LINE notification message (template) within LINE's limits; LINE rejects the request otherwise. */
export const pnpTemplateFieldsRule: ContentRule = {
  id: 'pnp_template_fields',
  description: {
    ja: 'LINE通知メッセージ（テンプレート）の項目が上限内か確認します（強調アイテム15文字、アイテム15個・各300文字、ボタン2個・URL 1,000文字）。',
    en: 'Checks LINE notification message (template) fields: emphasized item ≤ 15 characters, ≤ 15 items of ≤ 300, ≤ 2 buttons with URLs ≤ 1,000.',
  },
  defaultLevel: 'block',
  check(input, level = pnpTemplateFieldsRule.defaultLevel) {
    if (input.channel !== 'line_pnp' || input.pnpTemplate === undefined) return [];
    return findPnpTemplateViolations(input.pnpTemplate).map((v) =>
      finding('pnp_template_fields', level, describe(v.problem, v.actual, v.limit), v.start, v.end, v.field),
    );
  },
};
