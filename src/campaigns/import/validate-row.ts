import type { ImportedRecipient, RowProblem } from '../imported-recipient.js';
import { checkEmail, checkLineUserId, checkPhone, noAddress } from './check-addresses.js';
import { rowProblem } from './row-problem.js';
import type { RowRules } from './row-rules.js';

export { rowRules, type RowRuleOptions, type RowRules } from './row-rules.js';

export interface RowVerdict {
  /** Null when the row has an error: it is not sent. */
  recipient: ImportedRecipient | null;
  problems: RowProblem[];
}

/** Every value empty (`,,,` rows that spreadsheets leave at the end): skipped like a blank line. */
export function isBlankRow(fields: readonly string[]): boolean {
  for (const f of fields) if (f.length > 0 && f.trim().length > 0) return false;
  return true;
}

/**
 * Checks one data row against the mapping and makes its recipient: values trimmed (full-width spaces too),
 * phone numbers normalised to E.164 (full-width digits and every everyday separator), e-mail addresses in
 * full-width letters made half-width. Variables keep their text as written: the template filters read
 * `１２，０００` and `¥12,000` as amounts themselves.
 */
export function validateRow(rules: RowRules, rowNumber: number, fields: readonly string[]): RowVerdict {
  const { headers } = rules;
  const problems: RowProblem[] = [];

  for (let i = 0; i < fields.length; i++) {
    if (fields[i]!.includes('\uFFFD')) {
      problems.push(
        rowProblem(
          rowNumber,
          headers[i] ?? null,
          'encoding_error',
          'error',
          '文字化けしています（文字コードの異なるデータが混ざっています）。ファイル全体を同じ文字コードで保存してください。',
          'The value contains characters that did not decode: the file mixes encodings. Save the whole file in one encoding.',
          fields[i],
        ),
      );
      return { recipient: null, problems };
    }
  }
  if (fields.length > headers.length) {
    // Even when the extra values are empty: a comma inside an unquoted value shifts the values after it to
    // the right, and with an empty last column nothing else would show it.
    problems.push(
      rowProblem(
        rowNumber,
        null,
        'too_many_columns',
        'error',
        `値が${fields.length}個あり、見出し（${headers.length}列）より多くなっています。値の中のカンマは引用符（"）で囲んでください。`,
        `The row has ${fields.length} values for ${headers.length} headers. Quote values that contain commas.`,
        fields.slice(headers.length).join(','),
      ),
    );
    return { recipient: null, problems };
  } else if (fields.length < headers.length) {
    problems.push(
      rowProblem(
        rowNumber,
        null,
        'missing_columns',
        'warning',
        `値が${fields.length}個しかありません（見出しは${headers.length}列）。足りない列は空として扱いました。`,
        `The row has only ${fields.length} values for ${headers.length} headers; the missing ones were read as empty.`,
      ),
    );
  }

  const rawPhone = valueAt(fields, rules.phone);
  const phone = rawPhone.length > 0 ? checkPhone(rules, rowNumber, rawPhone, problems) : null;
  const rawEmail = valueAt(fields, rules.email);
  const email = rawEmail.length > 0 ? checkEmail(rules, rowNumber, rawEmail, problems) : null;
  const rawLine = valueAt(fields, rules.lineUserId);
  const lineUserId = rawLine.length > 0 ? checkLineUserId(rules, rowNumber, rawLine, problems) : null;
  let failed = hasError(problems);
  if (!failed && phone === null && email === null && lineUserId === null) {
    problems.push(noAddress(rules, rowNumber));
    failed = true;
  }

  const variables: Record<string, string> = {};
  for (const v of rules.variables) {
    const text = valueAt(fields, v.index);
    if (text.length > 0) {
      variables[v.name] = text;
    } else if (v.required) {
      failed = true;
      problems.push(
        rowProblem(
          rowNumber,
          v.header,
          'missing_value',
          'error',
          `テンプレートで使う「${v.name}」が空です。`,
          `"${v.name}", which the template uses, is empty.`,
        ),
      );
    }
  }

  for (const f of rules.requiredFields) {
    if (valueAt(fields, f.index).length > 0) continue;
    failed = true;
    problems.push(
      rowProblem(
        rowNumber,
        f.header,
        'missing_value',
        'error',
        `テンプレートで使う「${f.name}」が空です。`,
        `"${f.name}", which the template uses, is empty.`,
      ),
    );
  }

  if (failed) return { recipient: null, problems };
  const name = valueAt(fields, rules.name);
  const externalId = valueAt(fields, rules.externalId);
  return {
    recipient: {
      rowNumber,
      phone,
      lineUserId,
      email,
      externalId: externalId.length > 0 ? externalId : null,
      name: name.length > 0 ? name : null,
      variables,
    },
    problems,
  };
}

function valueAt(fields: readonly string[], index: number): string {
  return index < 0 ? '' : (fields[index] ?? '').trim();
}

function hasError(problems: readonly RowProblem[]): boolean {
  for (const p of problems) if (p.severity === 'error') return true;
  return false;
}
