import { normalizeForSms } from '../normalize-for-sms.js';
import { finding, type ContentRule } from './content-rule.js';

/**
 * Wording that tells the recipient how to stop promotional messages. The Act on Regulation of Transmission of
 * Specified Electronic Mail (特定電子メール法) requires advertising e-mail and SMS to show how to opt out.
 * Matched case-insensitively, full-width and half-width alike.
 */
export const OPT_OUT_WORDS: readonly string[] = [
  '停止', // 配信停止, 停止はこちら
  '解除', // 配信解除, 登録解除
  '拒否', // 受信拒否
  'オプトアウト',
  'stop',
  'unsubscribe',
  'opt out',
  'opt-out',
  'optout',
];

/** Lower-case, full-width ASCII folded, half-width katakana made full-width: the form the words are sought in. */
function searchable(text: string): string {
  return normalizeForSms(text)
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toLowerCase();
}

export function hasOptOutWording(text: string): boolean {
  const haystack = searchable(text);
  return OPT_OUT_WORDS.some((word) => haystack.includes(word));
}

export const missingOptOutRule: ContentRule = {
  id: 'missing_opt_out',
  description: {
    ja: '宣伝・広告のSMS・メールに配信停止の方法（配信停止、STOP、unsubscribe など）が書かれているか確認します。',
    en: 'Checks that promotional SMS and e-mail tell how to opt out (配信停止, STOP, unsubscribe …).',
  },
  defaultLevel: 'block',
  check(input, level = missingOptOutRule.defaultLevel) {
    if (input.promotional !== true || (input.channel !== 'sms' && input.channel !== 'email')) return [];
    if (hasOptOutWording(input.text) || (input.subject !== undefined && hasOptOutWording(input.subject)))
      return [];
    return [
      finding(
        'missing_opt_out',
        level,
        {
          ja: '宣伝・広告のメッセージに配信停止の方法が書かれていません（例：「配信停止はこちら」「STOPと返信」）。',
          en: 'The promotional message does not say how to opt out (e.g. "配信停止はこちら", "reply STOP").',
        },
        0,
        input.text.length,
      ),
    ];
  },
};
