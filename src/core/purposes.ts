/**
 * Why a message is sent (DESIGN §2). A message must declare one of the configured purposes; these are the
 * purposes configured when the config file lists none. All are transactional except `promotion`.
 */
export const DEFAULT_PURPOSES: readonly string[] = [
  'payment_reminder',
  'payment_confirmation',
  'shipping_notice',
  'delivery_notice',
  'registration_complete',
  'reservation_confirmation',
  'reservation_reminder',
  'usage_alert',
  'security_alert',
  'account_update_request',
  'procedure_notice',
  'promotion',
];
