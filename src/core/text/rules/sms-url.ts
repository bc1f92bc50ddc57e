import { finding, type ContentRule } from './content-rule.js';
import { findUrls } from './find-urls.js';

/**
 * A URL in an SMS: banks and card issuers forbid links in their SMS because phishing SMS imitate them, and
 * recipients are taught "our SMS never contain links". Off-channel messages (LINE, e-mail) are not checked.
 */
export const smsUrlRule: ContentRule = {
  id: 'sms_url',
  description: {
    ja: 'SMS本文にURL（http(s)://、www.、ドメイン名、全角表記を含む）が含まれていないか確認します。',
    en: 'Checks that an SMS contains no URL (http(s)://, www., bare domain names, full-width forms included).',
  },
  defaultLevel: 'warn',
  check(input, level = smsUrlRule.defaultLevel) {
    if (input.channel !== 'sms') return [];
    return findUrls(input.text).map((span) =>
      finding(
        'sms_url',
        level,
        {
          ja: 'SMS本文にURLが含まれています。フィッシング対策のため、URLを含むSMSを禁止している事業者があります。',
          en: 'The SMS contains a URL. Many senders forbid links in SMS to protect customers against phishing.',
        },
        span.start,
        span.end,
      ),
    );
  },
};
