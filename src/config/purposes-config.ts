import { z } from 'zod';
import { CHANNELS } from '../core/channels.js';
import {
  defaultPurposeCatalogue,
  policyProblems,
  purposePolicy,
  type PurposeCatalogue,
  type PurposePolicy,
} from '../core/purposes.js';
import { parseTimeOfDay } from '../core/send-window.js';
import { RULE_IDS, type RuleLevels } from '../core/text/rules/content-rule.js';

const PURPOSE_KEYS = 'use lower_snake_case';
const PurposeName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'use lower_snake_case');

const TimeOfDay = z
  .string()
  .refine(
    (text) => parseTimeOfDay(text) !== null,
    'must be a time of day HH:MM, e.g. 08:00 (24:00 ends at midnight)',
  );

const WindowInput = z
  .strictObject({ start: TimeOfDay, end: TimeOfDay, skipHolidays: z.boolean().optional() })
  .refine((w) => w.start !== '24:00', { message: 'start: a window cannot open at 24:00', path: ['start'] });

const PolicyInput = z.strictObject({
  label: z.strictObject({ ja: z.string().min(1), en: z.string().min(1) }).optional(),
  channels: z.array(z.enum(CHANNELS)).min(1).optional(),
  promotional: z.boolean().optional(),
  consentRequired: z.boolean().optional(),
  /** null or false: any hour. */
  window: z.union([WindowInput, z.null(), z.literal(false)]).optional(),
  critical: z.boolean().optional(),
});

const ListForm = z.array(PurposeName).min(1);
const MapForm = z.record(PurposeName, z.union([PolicyInput, z.null(), z.literal(false)]));

type Problems = string[];

/** Zod's wording, except a missing key simply says `required` (as everywhere in the config). */
const errorMap = (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : undefined);

/** Each issue as `path: message`; a wrong key of a mapping says what keys may be. */
function collect(
  problems: Problems,
  prefix: string,
  issues: readonly z.core.$ZodIssue[],
  keys: string,
): void {
  for (const issue of issues) {
    const path = [prefix, ...issue.path.map(String)].join('.');
    problems.push(`${path}: ${issue.code === 'invalid_key' ? keys : issue.message}`);
  }
}

function policyFrom(name: string, input: z.infer<typeof PolicyInput>): PurposePolicy {
  const overrides: Partial<Omit<PurposePolicy, 'name'>> = {};
  if (input.label) overrides.label = input.label;
  if (input.channels) overrides.channels = [...new Set(input.channels)];
  if (input.promotional !== undefined) overrides.promotional = input.promotional;
  if (input.consentRequired !== undefined) overrides.consentRequired = input.consentRequired;
  if (input.critical !== undefined) overrides.critical = input.critical;
  if (input.window !== undefined) {
    overrides.window = input.window
      ? { start: input.window.start, end: input.window.end, skipHolidays: input.window.skipHolidays ?? false }
      : null;
  }
  return purposePolicy(name, overrides);
}

/**
 * The purpose catalogue from the `purposes:` setting. Two forms:
 * - a list of names (`[payment_reminder, shipping_notice]`): exactly those purposes, each with its defaults;
 * - a mapping (`payment_reminder: { window: { start: "09:00", end: "20:00" } }`): the default purposes with these
 *   settings on top, new names added, and a name set to `false` removed.
 * Absent: the twelve default purposes.
 */
export function resolvePurposes(raw: unknown, problems: Problems): PurposeCatalogue {
  if (raw === undefined) return defaultPurposeCatalogue();
  if (Array.isArray(raw)) {
    const parsed = ListForm.safeParse(raw, { error: errorMap });
    if (!parsed.success) {
      collect(problems, 'purposes', parsed.error.issues, PURPOSE_KEYS);
      return defaultPurposeCatalogue();
    }
    return Object.fromEntries(parsed.data.map((name) => [name, purposePolicy(name)]));
  }
  const parsed = MapForm.safeParse(raw, { error: errorMap });
  if (!parsed.success) {
    collect(problems, 'purposes', parsed.error.issues, PURPOSE_KEYS);
    return defaultPurposeCatalogue();
  }
  const catalogue: Record<string, PurposePolicy> = { ...defaultPurposeCatalogue() };
  for (const [name, input] of Object.entries(parsed.data)) {
    if (input === null || input === false) {
      delete catalogue[name];
      continue;
    }
    const policy = policyFrom(name, input);
    for (const problem of policyProblems(policy)) problems.push(`purposes.${name}.${problem}`);
    catalogue[name] = policy;
  }
  if (Object.keys(catalogue).length === 0) problems.push('purposes: at least one purpose must remain');
  return catalogue;
}

const LEVELS = ['off', 'warn', 'block'] as const;
const RulesInput = z.partialRecord(z.enum(RULE_IDS), z.enum(LEVELS));

/** Content rule levels from `contentRules:` (e.g. `{ sms_url: block }`); rules not named keep their default. */
export function resolveContentRules(raw: unknown, problems: Problems): RuleLevels {
  if (raw === undefined) return {};
  const parsed = RulesInput.safeParse(raw, { error: errorMap });
  if (parsed.success) return parsed.data;
  collect(problems, 'contentRules', parsed.error.issues, `unknown rule (known: ${RULE_IDS.join(', ')})`);
  return {};
}
