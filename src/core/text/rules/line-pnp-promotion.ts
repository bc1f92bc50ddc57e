import { finding, type ContentRule } from './content-rule.js';

/** LINE notification messages may carry no advertising; a promotional purpose on them breaks LINE's terms. */
export const linePnpPromotionRule: ContentRule = {
  id: 'line_pnp_promotion',
  description: {
    ja: '宣伝・広告目的のメッセージをLINE通知メッセージで送らないよう確認します（LINEの規約で禁止）。',
    en: 'Checks that no promotional message is sent as a LINE notification message (forbidden by LINE).',
  },
  defaultLevel: 'block',
  check(input, level = linePnpPromotionRule.defaultLevel) {
    if (input.channel !== 'line_pnp' || input.promotional !== true) return [];
    const purpose = input.purpose ?? 'promotion';
    return [
      finding(
        'line_pnp_promotion',
        level,
        {
          ja: `目的「${purpose}」は宣伝・広告です。LINE通知メッセージでは宣伝・広告を送れません。`,
          en: `Purpose "${purpose}" is promotional; LINE notification messages must not carry advertising.`,
        },
        0,
        input.text.length,
      ),
    ];
  },
};
