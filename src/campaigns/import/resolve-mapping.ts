import type { RowProblem } from '../imported-recipient.js';
import {
  ADDRESS_TARGETS,
  FIELD_TARGETS,
  formatColumnTarget,
  targetKey,
  VARIABLE_NAME,
  type ColumnMapping,
  type ColumnTarget,
  type MappedColumn,
} from './column-target.js';
import { rowProblem } from './row-problem.js';
import { suggestMapping } from './suggest-mapping.js';

/** A mapping given by the operator: header text → target. Headers it leaves out are ignored. */
export type ExplicitMapping = Readonly<Record<string, ColumnTarget>>;

export type MappingResult = { ok: true; mapping: ColumnMapping } | { ok: false; problems: RowProblem[] };

const cleanHeader = (header: string) => header.replace(/\uFEFF/g, '').trim();

function isTarget(target: unknown): target is ColumnTarget {
  if (typeof target === 'string') return (FIELD_TARGETS as readonly string[]).includes(target);
  return (
    typeof target === 'object' &&
    target !== null &&
    typeof (target as { variable?: unknown }).variable === 'string'
  );
}

/** Places an explicit mapping on the file's columns; problems for headers not found exactly once. */
function placeExplicit(
  headers: readonly string[],
  explicit: ExplicitMapping,
  problem: (column: string | null, code: Parameters<typeof rowProblem>[2], ja: string, en: string) => void,
): MappedColumn[] {
  const mapping: MappedColumn[] = headers.map((header, index) => ({ index, header, target: 'ignore' }));
  for (const [name, target] of Object.entries(explicit)) {
    const at = headers.flatMap((h, i) => (cleanHeader(h) === cleanHeader(name) ? [i] : []));
    if (!isTarget(target)) {
      problem(
        name,
        'invalid_target',
        `割り当て先 ${JSON.stringify(target)} は使えません。`,
        `${JSON.stringify(target)} is not a column target.`,
      );
    } else if (at.length === 0) {
      problem(
        name,
        'unknown_column',
        `見出し「${name}」の列がファイルにありません。`,
        `The file has no column with the header "${name}".`,
      );
    } else if (at.length > 1) {
      problem(
        name,
        'ambiguous_column',
        `見出し「${name}」の列が${at.length}つあります。見出しを変えてください。`,
        `${at.length} columns have the header "${name}". Rename them.`,
      );
    } else {
      mapping[at[0]!]!.target = target;
    }
  }
  return mapping;
}

/**
 * The mapping an import uses: the explicit one placed on the file's columns, or else the suggested one; then
 * checked. At least one address column (phone, LINE user ID or e-mail; each at most once, several kinds are
 * fine: a route may fall back from one to the next), no target twice, variable names Liquid can read, and
 * every variable the template needs mapped — to a variable column, or, for `name`, `externalId`, `phone`,
 * `email` and `lineUserId`, to the recipient field of that name, which the campaign passes to the template
 * under that name. Problems are reported on the header row.
 */
export function resolveMapping(
  headers: readonly string[],
  explicit: ExplicitMapping | undefined,
  requiredVariables: readonly string[],
  headerRow = 1,
): MappingResult {
  const problems: RowProblem[] = [];
  const problem = (column: string | null, code: Parameters<typeof rowProblem>[2], ja: string, en: string) =>
    problems.push(rowProblem(headerRow, column, code, 'error', ja, en));

  const mapping = explicit ? placeExplicit(headers, explicit, problem) : [...suggestMapping(headers)];

  const seen = new Map<string, string>();
  for (const column of mapping) {
    const { target, header } = column;
    if (target === 'ignore') continue;
    if (typeof target !== 'string' && !VARIABLE_NAME.test(target.variable)) {
      problem(
        header,
        'invalid_variable_name',
        `変数名「${target.variable}」は使えません（文字・数字・_ のみ、数字で始めない）。`,
        `"${target.variable}" is not a usable variable name (letters, digits and _, not starting with a digit).`,
      );
      continue;
    }
    const key = targetKey(target);
    const first = seen.get(key);
    if (first !== undefined) {
      problem(
        header,
        'duplicate_target',
        `「${first}」と「${header}」の両方が ${formatColumnTarget(target)} に割り当てられています。`,
        `Both "${first}" and "${header}" are mapped to ${formatColumnTarget(target)}.`,
      );
    } else {
      seen.set(key, header);
    }
  }
  if (!ADDRESS_TARGETS.some((t) => seen.has(t))) {
    problem(
      null,
      'no_address_column',
      '宛先の列（電話番号・LINEユーザーID・メールアドレスのいずれか）がありません。',
      'No address column: map a phone number, LINE user ID or e-mail column.',
    );
  }
  for (const variable of requiredVariables) {
    // `{{ name }}` may come from a variable column or from the recipient field of that name.
    const field = (FIELD_TARGETS as readonly string[]).includes(variable) && variable !== 'ignore';
    if (!seen.has(`variable:${variable}`) && !(field && seen.has(variable))) {
      problem(
        null,
        'unmapped_variable',
        `テンプレートが使う変数「${variable}」に割り当てた列がありません。`,
        `No column is mapped to the variable "${variable}" that the template uses.`,
      );
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, mapping };
}
