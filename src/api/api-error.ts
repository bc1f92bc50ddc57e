/** Stable problem codes of the HTTP API: clients may branch on them. */
export type ProblemCode =
  | 'invalid_phone'
  | 'not_sms_capable'
  | 'unknown_route'
  | 'unknown_purpose'
  | 'idempotency_conflict'
  | 'validation_failed'
  | 'unauthorized'
  | 'message_not_found'
  | 'message_final'
  | 'missing_recipient'
  | 'missing_content'
  | 'no_account_for_channel'
  | 'channel_not_allowed'
  | 'consent_required'
  | 'content_blocked'
  | 'missing_variable'
  | 'invalid_variable'
  | 'render_failed'
  | 'template_not_found'
  | 'template_version_not_found'
  | 'invalid_template'
  | 'template_name_taken'
  | 'invalid_signature'
  | 'batch_too_large'
  | 'malformed_json'
  | 'malformed_webhook'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_found'
  | 'internal'
  | 'campaign_not_found'
  | 'campaign_state'
  | 'campaign_changed'
  | 'same_approver'
  | 'no_recipients'
  | 'import_failed'
  | 'invalid_csv'
  | 'exclusion_list_not_found'
  | 'contact_not_found'
  | 'missing_contact_key'
  | 'ambiguous_contact'
  | 'segment_not_found'
  | 'segment_name_taken'
  | 'segment_changed'
  | 'invalid_filter';

const TITLES: Record<ProblemCode, string> = {
  campaign_not_found: 'Campaign not found',
  campaign_state: 'Not allowed in the campaign’s status',
  campaign_changed: 'Campaign changed meanwhile',
  same_approver: 'Approval needs a second operator',
  no_recipients: 'Campaign has no recipients',
  import_failed: 'Recipient file could not be imported',
  invalid_csv: 'Invalid CSV file',
  exclusion_list_not_found: 'Exclusion list not found',
  contact_not_found: 'Contact not found',
  missing_contact_key: 'Contact needs a customer ID or a phone number',
  ambiguous_contact: 'Several contacts have this phone number',
  segment_not_found: 'Segment not found',
  segment_name_taken: 'Segment name already used',
  segment_changed: 'Segment changed meanwhile',
  invalid_filter: 'Invalid segment filter',
  invalid_phone: 'Invalid phone number',
  not_sms_capable: 'Phone number cannot receive SMS',
  unknown_route: 'Unknown route',
  unknown_purpose: 'Unknown purpose',
  idempotency_conflict: 'Idempotency key reused with a different request',
  validation_failed: 'Invalid request',
  unauthorized: 'Unauthorized',
  message_not_found: 'Message not found',
  message_final: 'Message already final',
  missing_recipient: 'Missing recipient',
  missing_content: 'Missing content',
  no_account_for_channel: 'No account for channel',
  channel_not_allowed: 'Channel not allowed for this purpose',
  consent_required: 'Recipient consent required',
  content_blocked: 'Content blocked by a content rule',
  missing_variable: 'Missing template variable',
  invalid_variable: 'Invalid template variable',
  render_failed: 'Template could not be rendered',
  template_not_found: 'Template not found',
  template_version_not_found: 'Template version not found',
  invalid_template: 'Invalid template',
  template_name_taken: 'Template name already used',
  invalid_signature: 'Invalid webhook signature',
  batch_too_large: 'Batch too large',
  malformed_json: 'Malformed JSON',
  malformed_webhook: 'Malformed webhook',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  not_found: 'Not found',
  internal: 'Internal server error',
};

/** RFC 9457 problem details, as sent with `application/problem+json`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  [extra: string]: unknown;
}

/**
 * The one error type of the API edge. `detail` says what went wrong for a person, Japanese first then English;
 * `extra` adds fields to the problem (e.g. `errors` for validation).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  toProblem(): Problem {
    return {
      ...this.extra,
      type: `https://todoke.dev/problems/${this.code}`,
      title: TITLES[this.code],
      status: this.status,
      detail: this.detail,
      code: this.code,
    };
  }
}

export interface FieldError {
  path: string;
  message: string;
}

/** 422 validation_failed listing each field that is wrong. */
export function validationFailed(errors: FieldError[]): ApiError {
  const summary = errors
    .slice(0, 5)
    .map((e) => (e.path ? `${e.path}: ${e.message}` : e.message))
    .join('; ');
  return new ApiError(
    422,
    'validation_failed',
    `リクエストの内容が正しくありません / The request is not valid: ${summary}`,
    {
      errors,
    },
  );
}

/** Zod issue paths as dotted strings (`to.phone`, `route.steps.0.channel`). */
export function fieldErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix = '',
): FieldError[] {
  return issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.'),
    message: issue.message,
  }));
}
