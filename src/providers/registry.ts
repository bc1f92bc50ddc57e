import { emailProvider } from './email/index.js';
import { karadenProvider } from './karaden/index.js';
import { lineProvider } from './line/index.js';
import type { ProviderDefinition } from './provider.js';
import { twilioProvider } from './twilio/index.js';
import { vonageProvider } from './vonage/index.js';

/** Every provider todoke can send through, by id. Adding a provider is one folder and one line here. */
// Each entry has its own account type; callers validate an account with its schema before use.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const providers: Record<string, ProviderDefinition<any>> = {
  [lineProvider.id]: lineProvider,
  [twilioProvider.id]: twilioProvider,
  [karadenProvider.id]: karadenProvider,
  [vonageProvider.id]: vonageProvider,
  [emailProvider.id]: emailProvider,
};

/** The provider with this id, or undefined when there is none. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function getProvider(id: string): ProviderDefinition<any> | undefined {
  return Object.hasOwn(providers, id) ? providers[id] : undefined;
}
