import { ApiError, type ProblemCode } from '../api/api-error.js';
import type { CampaignStatus } from './campaign-states.js';

/** Stable problem codes of the campaign API (their titles are in api-error.ts with every other code). */
export type CampaignProblemCode = Extract<
  ProblemCode,
  | 'campaign_not_found'
  | 'campaign_state'
  | 'campaign_changed'
  | 'same_approver'
  | 'no_recipients'
  | 'import_failed'
  | 'invalid_csv'
  | 'exclusion_list_not_found'
>;

/** An API error with a campaign problem code, turned into problem+json by the API's one error handler. */
export class CampaignError extends ApiError {
  constructor(status: number, code: CampaignProblemCode, detail: string, extra?: Record<string, unknown>) {
    super(status, code, detail, extra);
  }
}

export const campaignNotFound = (id: string) =>
  new CampaignError(
    404,
    'campaign_not_found',
    `キャンペーン "${id}" は見つかりません / No campaign with id "${id}"`,
  );

const STATUS_JA: Record<CampaignStatus, string> = {
  draft: '下書き',
  validated: '検証済み',
  pending_approval: '承認待ち',
  approved: '承認済み',
  scheduled: '開始待ち',
  running: '送信中',
  paused: '一時停止中',
  completed: '完了',
  canceled: '中止',
};

/** 409: the action is not allowed from the campaign's current status. */
export function wrongStatus(action: string, status: CampaignStatus, allowed: readonly CampaignStatus[]) {
  return new CampaignError(
    409,
    'campaign_state',
    `キャンペーンが「${STATUS_JA[status]}」のため ${action} できません / Cannot ${action} a campaign that is ${status} (allowed from: ${allowed.join(', ') || 'none'})`,
    { campaignStatus: status, allowedFrom: allowed },
  );
}

/** 409: the campaign moved on (another operator or the runner) since it was read. */
export function campaignChanged(expected: number, actual: number) {
  return new CampaignError(
    409,
    'campaign_changed',
    `キャンペーンは他の操作で変更されました。内容を確認してからやり直してください / The campaign changed since you read it (version ${expected}, now ${actual}): review it and try again`,
    { expectedVersion: expected, version: actual },
  );
}
