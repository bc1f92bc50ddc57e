/** One line of the results table: a measured number against its ceiling from the same run, and its target. */
export interface ResultRow {
  name: string;
  unit: string;
  measured: number;
  ceiling: number;
  /** What the ceiling is. */
  ceilingIs: string;
  /** measured / ceiling. */
  ratio: number;
  target: string;
  pass: boolean;
}

/** What one benchmark hands back: its table rows and the numbers behind them. */
export interface BenchmarkOutcome {
  rows: ResultRow[];
  /** Lines printed under the table: the numbers behind the rows. */
  notes: string[];
  details: Record<string, unknown>;
}

export function row(r: Omit<ResultRow, 'ratio'>): ResultRow {
  return { ...r, ratio: r.measured / r.ceiling };
}

function formatNumber(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = unit === 'ms' ? 1 : 0;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

/** The table as fixed-width text. */
export function formatTable(rows: readonly ResultRow[]): string {
  const header = ['benchmark', 'measured', 'ceiling', 'ratio', 'target', 'result'];
  const lines = rows.map((r) => [
    r.name,
    formatNumber(r.measured, r.unit),
    `${formatNumber(r.ceiling, r.unit)} (${r.ceilingIs})`,
    Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : 'n/a',
    r.target,
    r.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}
