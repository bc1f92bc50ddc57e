import type { TodokeConfig } from '../../config/config.js';
import { DEFAULT_TIME_ZONE, nextOpening, type SendWindow } from '../../core/send-window.js';
import type { CampaignRecord } from '../../store/campaign-records.js';

/**
 * The hours a campaign creates messages in: its own window, else its purpose's (none for a critical purpose).
 * Read on the Japanese clock: imported recipients carry no time zone. The engine still applies the purpose's
 * window to every step of every message, fallbacks included.
 */
export function campaignWindow(campaign: CampaignRecord, config: TodokeConfig): SendWindow | null {
  if (campaign.options.sendWindow) return campaign.options.sendWindow;
  const policy = Object.hasOwn(config.purposes, campaign.purpose)
    ? config.purposes[campaign.purpose]
    : undefined;
  if (!policy || policy.critical) return null;
  return policy.window;
}

/** When the campaign may next create messages: `now` when it may now; Infinity when never again. */
export function nextCreateAt(campaign: CampaignRecord, config: TodokeConfig, now: number): number {
  const from = Math.max(now, campaign.options.startAt ?? now);
  const window = campaignWindow(campaign, config);
  const at = window ? nextOpening(window, DEFAULT_TIME_ZONE, from) : from;
  const expiresAt = campaign.options.expiresAt;
  return expiresAt !== null && at >= expiresAt ? Number.POSITIVE_INFINITY : at;
}
