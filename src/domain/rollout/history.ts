/** Choosing the target of `mlops rollback` from the production alias history. */
export interface AliasMove {
  readonly fromVersion: number | null;
  /** null: the alias was deleted (other aliases than production). */
  readonly toVersion: number | null;
}

/** The newest version older than `current` that was ever in production, or null when there is none. */
export function previousProductionVersion(history: readonly AliasMove[], current: number): number | null {
  const earlier = history.flatMap((h) => (h.toVersion !== null && h.toVersion < current ? [h.toVersion] : []));
  return earlier.length ? Math.max(...earlier) : null;
}
