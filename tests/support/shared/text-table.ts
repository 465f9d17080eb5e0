/** Rows of cells as aligned columns for the terminal; `right` names the columns to right-align (numbers). */
export function textTable(rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (right.has(i) ? (cell ?? '').padStart(widths[i]!) : (cell ?? '').padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}
