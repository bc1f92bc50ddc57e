import type { ColumnMapping } from './column-target.js';

/** How rows are checked, prepared once per import from the mapping. */
export interface RowRules {
  headers: readonly string[];
  phone: number;
  name: number;
  lineUserId: number;
  email: number;
  externalId: number;
  variables: readonly { index: number; header: string; name: string; required: boolean }[];
  /**
   * Recipient fields the template reads as variables of the same name (`{{ name }}` from the 氏名 column mapped
   * as name), when no variable column has that name: each must be filled in every row.
   */
  requiredFields: readonly { index: number; header: string; name: string }[];
  /** Headers of the address columns, for the message when a row has none. */
  addressHeaders: readonly string[];
  /** A landline, 050 or toll-free number: an error (default) when the route texts or uses LINE by number. */
  notSmsCapable: 'error' | 'warning';
}

export interface RowRuleOptions {
  requiredVariables?: readonly string[];
  notSmsCapable?: 'error' | 'warning';
}

export function rowRules(mapping: ColumnMapping, options: RowRuleOptions = {}): RowRules {
  const required = new Set(options.requiredVariables ?? []);
  const variableNames = new Set(
    mapping.flatMap((c) => (typeof c.target === 'string' ? [] : [c.target.variable])),
  );
  const indexOf = (target: string) => mapping.find((c) => c.target === target)?.index ?? -1;
  return {
    headers: mapping.map((c) => c.header),
    phone: indexOf('phone'),
    name: indexOf('name'),
    lineUserId: indexOf('lineUserId'),
    email: indexOf('email'),
    externalId: indexOf('externalId'),
    variables: mapping.flatMap((c) =>
      typeof c.target === 'string'
        ? []
        : [
            {
              index: c.index,
              header: c.header,
              name: c.target.variable,
              required: required.has(c.target.variable),
            },
          ],
    ),
    requiredFields: mapping.flatMap((c) =>
      typeof c.target === 'string' &&
      c.target !== 'ignore' &&
      required.has(c.target) &&
      !variableNames.has(c.target)
        ? [{ index: c.index, header: c.header, name: c.target }]
        : [],
    ),
    addressHeaders: mapping
      .filter((c) => c.target === 'phone' || c.target === 'lineUserId' || c.target === 'email')
      .map((c) => c.header),
    notSmsCapable: options.notSmsCapable ?? 'error',
  };
}
