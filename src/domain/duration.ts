/** Parses the spec's compact durations ("90s", "15m", "2h", "7d") into milliseconds. */
const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDurationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: "${text}" (use e.g. 90s, 15m, 2h, 7d)`);
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}
