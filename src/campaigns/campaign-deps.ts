import type { TemplateResolver } from '../api/template-resolver.js';
import type { TodokeConfig } from '../config/config.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/store.js';

/** What campaign operations need: the API builds one, the runner another. */
export interface CampaignDeps {
  store: Store;
  config: TodokeConfig;
  clock: Clock;
  /** ULID factory. */
  newId: () => string;
  templates: TemplateResolver;
  /** Called after messages were created or released: wakes the engine. */
  onAccepted?: () => void;
}
