/**
 * What a CSV column holds for a campaign. The address columns (phone, lineUserId, email) say where a message
 * goes; name and externalId are kept with the recipient; a variable is passed to the template under its name.
 */
export type ColumnTarget =
  'phone' | 'name' | 'lineUserId' | 'email' | 'externalId' | 'ignore' | { variable: string };

/** One column of the file and what it is read as. */
export interface MappedColumn {
  /** 0-based position in the row. */
  index: number;
  /** The header as it appears in the file. */
  header: string;
  target: ColumnTarget;
}

/** Every column of a file, in file order. */
export type ColumnMapping = readonly MappedColumn[];

export const FIELD_TARGETS = ['phone', 'name', 'lineUserId', 'email', 'externalId', 'ignore'] as const;
export const ADDRESS_TARGETS = ['phone', 'lineUserId', 'email'] as const;

/**
 * Template variable names a column may have: what Liquid reads as one name — letters (any script, so
 * `契約プラン` works), digits and underscores, not starting with a digit.
 */
export const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/** A target as text, for command lines and logs: `phone`, `ignore`, `variable:amount`. */
export function formatColumnTarget(target: ColumnTarget): string {
  return typeof target === 'string' ? target : `variable:${target.variable}`;
}

/** The inverse of formatColumnTarget; null for text that names no target. */
export function parseColumnTarget(text: string): ColumnTarget | null {
  const trimmed = text.trim();
  if ((FIELD_TARGETS as readonly string[]).includes(trimmed)) return trimmed as ColumnTarget;
  const variable = /^variable:(.+)$/.exec(trimmed)?.[1]?.trim();
  return variable && VARIABLE_NAME.test(variable) ? { variable } : null;
}

/** Two targets are the same when they fill the same field or name the same variable. */
export function targetKey(target: ColumnTarget): string {
  return typeof target === 'string' ? target : `variable:${target.variable}`;
}
