import {
  mergeSettings,
  withDefaults,
  type NumberSettings,
  type StoredNumberSettings,
} from './number-settings.js';
import { DEFAULT_POPULATION, PopulationDraw, type Population } from './population.js';
import { linePhoneHash } from './signatures.js';
import type { SandboxStore } from './store.js';

const UNCONFIGURED = withDefaults(undefined);
/** Name of the population in the store's settings. */
const POPULATION = 'population';

/**
 * Per-number behaviour, held in memory for the request path (no query per request) and written through to
 * the store. LINE knows a number only by its SHA-256, so numbers are also found by hash. Numbers nobody
 * configured behave as the defaults say, or, once a population is set, as drawn from the hash of the number.
 */
export class NumberBook {
  private readonly stored = new Map<string, StoredNumberSettings>();
  private readonly effective = new Map<string, NumberSettings>();
  private readonly byHash = new Map<string, NumberSettings>();
  private population: Population | null = null;
  private draw: PopulationDraw | null = null;

  constructor(private readonly store: SandboxStore) {
    for (const n of store.loadNumbers()) this.remember(n.e164, n.lineHash, n.settings);
    const saved = store.settings.get(POPULATION) as Population | undefined;
    if (saved !== undefined) this.usePopulation(saved);
  }

  /** The behaviour of a number: as configured, else drawn from the population, else the defaults. */
  get(e164: string): NumberSettings {
    const configured = this.effective.get(e164);
    if (configured !== undefined) return configured;
    return this.draw === null ? UNCONFIGURED : this.draw.settingsFor(linePhoneHash(e164));
  }

  /** The behaviour of the number behind a LINE `to` hash (lowercase hex). */
  getByLineHash(hash: string): NumberSettings {
    const configured = this.byHash.get(hash);
    if (configured !== undefined) return configured;
    return this.draw === null ? UNCONFIGURED : this.draw.settingsFor(hash);
  }

  /** The population numbers nobody configured are drawn from; the defaults when none is set. */
  getPopulation(): Population {
    return structuredClone(this.population ?? DEFAULT_POPULATION);
  }

  /** Sets (or, with null, removes) the population and stores it; returns the population in force. */
  setPopulation(population: Population | null): Population {
    if (population === null) this.store.settings.delete(POPULATION);
    else this.store.settings.set(POPULATION, population);
    this.usePopulation(population);
    return this.getPopulation();
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

  private usePopulation(population: Population | null): void {
    this.population = population;
    this.draw = population === null ? null : new PopulationDraw(population);
  }

  private remember(e164: string, hash: string, settings: StoredNumberSettings): NumberSettings {
    const effective = withDefaults(settings);
    this.stored.set(e164, settings);
    this.effective.set(e164, effective);
    this.byHash.set(hash, effective);
    return effective;
  }
}
