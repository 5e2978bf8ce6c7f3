/** Plain-text tables for human output; scripts use --json. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '–' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (c ?? '').padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

export const pct = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '–' : `${(v * 100).toFixed(1)}%`);
export const fixed = (v: number | undefined, digits = 4): string => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));
