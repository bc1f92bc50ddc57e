import {
  mergeSettings,
  withDefaults,
  type NumberSettings,
  type StoredNumberSettings,
} from './number-settings.js';
import { linePhoneHash } from './signatures.js';
import type { SandboxStore } from './store.js';

const UNCONFIGURED = withDefaults(undefined);

/**
 * Per-number behaviour, held in memory for the request path (no query per request) and written through to
 * the store. LINE knows a number only by its SHA-256, so numbers are also found by hash.
 */
export class NumberBook {
  private readonly stored = new Map<string, StoredNumberSettings>();
  private readonly effective = new Map<string, NumberSettings>();
  private readonly byHash = new Map<string, NumberSettings>();

  constructor(private readonly store: SandboxStore) {
    for (const n of store.loadNumbers()) this.remember(n.e164, n.lineHash, n.settings);
  }

  /** The behaviour of a number, defaults for a number nobody configured. */
  get(e164: string): NumberSettings {
    return this.effective.get(e164) ?? UNCONFIGURED;
  }

  /** The behaviour of the number behind a LINE `to` hash. */
  getByLineHash(hash: string): NumberSettings {
    return this.byHash.get(hash) ?? UNCONFIGURED;
  }

  /** Merges an update into a number's settings, stores them, and returns the effective settings. */
  set(e164: string, update: StoredNumberSettings): NumberSettings {
    const merged = mergeSettings(this.stored.get(e164), update);
    const hash = linePhoneHash(e164);
    this.store.saveNumber(e164, hash, merged);
    return this.remember(e164, hash, merged);
  }

  /** Every configured number with its effective settings. */
  list(): { number: string; settings: NumberSettings }[] {
    return [...this.effective].map(([number, settings]) => ({ number, settings }));
  }

  private remember(e164: string, hash: string, settings: StoredNumberSettings): NumberSettings {
    const effective = withDefaults(settings);
    this.stored.set(e164, settings);
    this.effective.set(e164, effective);
    this.byHash.set(hash, effective);
    return effective;
  }
}
