import type { Channel } from '../channels.js';
import type { PnpTemplateBody } from '../text/line-limits.js';

/**
 * A LINE notification message sent as one of LINE's approved templates (`POST /v2/bot/message/pnp/templated/push`).
 * `templateKey`, `itemKey` and `buttonKey` are fixed; `content` and `url` are Liquid.
 */
export interface PnpTemplateSource {
  templateKey: string;
  emphasizedItem?: { itemKey: string; content: string };
  items?: { itemKey: string; content: string }[];
  buttons?: { buttonKey: string; url: string }[];
}

/** What one template version says on each channel. Every text is Liquid. */
export interface TemplateChannels {
  /** A flexible notification message (text) or a LINE template. */
  line_pnp?: { text: string } | { template: PnpTemplateSource };
  line_push?: { text: string };
  sms?: { text: string };
  email?: { subject: string; text: string; html?: string };
}

/** The content of one template version. */
export interface TemplateSource {
  channels: TemplateChannels;
  /** Variables that may be left out or empty; every other variable the template uses is required. */
  optionalVariables?: string[];
}

/** The rendered content of one channel, as a message stores it and a provider sends it. */
export interface RenderedChannel {
  text: string;
  subject?: string;
  html?: string;
  /** A LINE template message: sent with its key and body instead of `text`. */
  pnpTemplate?: { templateKey: string; body: PnpTemplateBody };
}

export type RenderedChannels = Partial<Record<Channel, RenderedChannel>>;
