import { textLimit } from '../measure-text.js';
import { finding, type ContentRule } from './content-rule.js';

/**
 * Text longer than the channel accepts: SMS beyond 660 characters (the strictest carrier; SoftBank takes 670)
 * and LINE text beyond 5,000 UTF-16 code units are rejected, not split. E-mail has no limit here.
 */
export const overLengthRule: ContentRule = {
  id: 'over_length',
  description: {
    ja: '本文がチャネルの上限文字数（SMS 660文字、LINE 5,000文字）を超えていないか確認します。',
    en: "Checks that the text fits the channel's hard limit (SMS 660 characters, LINE 5,000).",
  },
  defaultLevel: 'block',
  check(input, level = overLengthRule.defaultLevel) {
    const limit = textLimit(input.channel);
    const characters = input.text.length;
    if (limit === null || characters <= limit) return [];
    return [
      finding(
        'over_length',
        level,
        {
          ja: `本文が${characters}文字あり、上限の${limit}文字を超えています。`,
          en: `The text is ${characters} characters long, over the limit of ${limit}.`,
        },
        startOfCharacterAt(input.text, limit),
        input.text.length,
      ),
    ];
  },
};

/** `index`, moved back one when it would fall between the two halves of a surrogate pair. */
function startOfCharacterAt(text: string, index: number): number {
  const c = text.charCodeAt(index);
  const previous = text.charCodeAt(index - 1);
  return (c & 0xfc00) === 0xdc00 && (previous & 0xfc00) === 0xd800 ? index - 1 : index;
}
