/** Choosing the target of `mlops rollback` from the production alias history. */
export interface AliasMove {
  readonly fromVersion: number | null;
  readonly toVersion: number;
}

/** The newest version older than `current` that was ever in production, or null when there is none. */
export function previousProductionVersion(history: readonly AliasMove[], current: number): number | null {
  const earlier = history.map((h) => h.toVersion).filter((v) => v < current);
  return earlier.length ? Math.max(...earlier) : null;
}
