/** The sandbox: local emulators of the providers' APIs, with a control API. */
export {
  startSandbox,
  type KaradenAccountSettings,
  type Sandbox,
  type SandboxOptions,
  type VonageAccountSettings,
} from './start-sandbox.js';
export { runStandaloneSandbox } from './standalone.js';
export type { LedgerItem } from './store.js';
export type { LineBehaviour, NumberSettings, SmsBehaviour } from './number-settings.js';
export { linePhoneHash, lineSignature, twilioSignature } from './signatures.js';
export { countSegments, type SegmentCount } from './twilio-segments.js';
export { vonageSandboxSignature } from './vonage-dlr.js';
export type { SandboxVonageSignatureMethod } from './gateway-accounts.js';
export type { ActiveFault, FaultKind, FaultProvider, FaultSpec } from './fault-spec.js';
export type { Population, PopulationSpec } from './population.js';
export type { Latency, LatencyRange, LatencyUpdate } from './latency.js';
