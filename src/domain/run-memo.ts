/**
 * The memo every lifecycle, deployment and monitor run carries (shown in the Web UI's run page and returned by
 * `describe()`): what the run is about and who asked. Small, plain JSON — a memo should stay well under 2 KiB.
 */
export interface RunMemo {
  readonly kind: 'lifecycle' | 'deployment' | 'monitor';
  readonly model: string;
  /** The version the run is about, once known (a lifecycle learns it at registration). */
  readonly version?: number;
  /** The person or system that asked for the run (`system:schedule`, `system:monitor` for automatic ones). */
  readonly requestedBy: string;
  /** Where the run's settings came from: a spec file, the parent run, the registry. */
  readonly specSource?: string;
}

/** The memo as Temporal stores it: absent fields left out (a memo value cannot be undefined). */
export function runMemo(memo: RunMemo): Record<string, string | number> {
  const entries = Object.entries(memo).filter(([, v]) => v !== undefined) as [string, string | number][];
  return Object.fromEntries(entries);
}
