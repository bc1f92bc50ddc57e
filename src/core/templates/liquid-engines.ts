import { Liquid } from 'liquidjs';
import { filtersFor, type Flavor } from './filters.js';

/**
 * Strict Liquid: an unknown variable or filter is an error, never an empty string, so "{{amount}}円" cannot reach
 * anyone as "円". Templates are written by operators, so a template is also bounded in size, time and memory:
 * one cannot stall the API with a loop over a billion numbers.
 */
function createEngine(flavor: Flavor): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    // `{% if coupon %}` with coupon left out (an optional variable) is false, not an error.
    lenientIf: true,
    outputEscape: flavor === 'html' ? 'escape' : undefined,
    parseLimit: 100_000,
    renderLimit: 1_000,
    memoryLimit: 10_000_000,
    cache: false,
  });
  for (const [name, filter] of Object.entries(filtersFor(flavor))) engine.registerFilter(name, filter);
  return engine;
}

const engines = new Map<Flavor, Liquid>();

/** The shared engine for one flavor (filters are bound when a template is parsed, so each flavor has its own). */
export function liquidFor(flavor: Flavor): Liquid {
  let engine = engines.get(flavor);
  if (!engine) {
    engine = createEngine(flavor);
    engines.set(flavor, engine);
  }
  return engine;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};

/** Liquid's own `escape`, as `outputEscape: 'escape'` applies it to every HTML output. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
