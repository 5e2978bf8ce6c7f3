import type { PredictionRole } from '../prediction';

/**
 * What the model server measured for one version in one role over a time window
 * (`GET /admin/models/:name/stats?since=`). Guards read only this.
 */
export interface VersionWindowStats {
  readonly version: number;
  readonly role: PredictionRole;
  /** Requests this version answered (or, for `shadow`, scored on a copy). */
  readonly requests: number;
  /** Requests that failed inside the server (5xx) while this version served them. */
  readonly errors: number;
  /** Requests this version's input schema refused (4xx). */
  readonly rejected: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number } | null;
  /** Rows scored and their predicted labels. */
  readonly rows: number;
  readonly labels: Readonly<Record<string, number>>;
  /** Regression models: the window's most recent predicted values (at most 1,000), for the prediction-shift guard. */
  readonly values?: readonly number[];
  /** Shadow role only: rows compared with the primary answer for the same request, and how many agreed. */
  readonly agreement?: { readonly compared: number; readonly agreed: number };
}

export interface WindowStats {
  readonly model: string;
  readonly since: string;
  readonly until: string;
  readonly versions: readonly VersionWindowStats[];
}

export const errorRate = (s: VersionWindowStats): number => (s.requests === 0 ? 0 : (s.errors + s.rejected) / s.requests);

/** Total-variation distance between two label distributions given as counts: half the L1 distance, 0..1. */
export function totalVariationDistance(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): number {
  const sum = (r: Readonly<Record<string, number>>) => Object.values(r).reduce((x, y) => x + y, 0);
  const na = sum(a);
  const nb = sum(b);
  if (na === 0 || nb === 0) return na === nb ? 0 : 1;
  let d = 0;
  for (const label of new Set([...Object.keys(a), ...Object.keys(b)])) d += Math.abs((a[label] ?? 0) / na - (b[label] ?? 0) / nb);
  return d / 2;
}

/** Picks one version's stats in one role from a stats answer. */
export function statsOf(window: WindowStats, version: number, role: PredictionRole): VersionWindowStats | undefined {
  return window.versions.find((v) => v.version === version && v.role === role);
}

export function emptyStats(version: number, role: PredictionRole): VersionWindowStats {
  return { version, role, requests: 0, errors: 0, rejected: 0, latencyMs: null, rows: 0, labels: {} };
}
