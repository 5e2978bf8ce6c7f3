import { driftReport, type DriftReport, type FeatureDriftInput } from '../drift';
import type { ReferenceProfileSet } from '../monitoring/reference';
import type { MetricSummary } from '../lifecycle';
import { metricValue } from '../metric-table';

/** What `compareVersions` needs of a registered version (the registry's row has all of it). */
export interface ComparableVersion {
  readonly version: number;
  readonly status: string;
  readonly datasetId: string;
  readonly datasetPath: string;
  readonly datasetRows: number;
  readonly params: unknown;
  readonly metrics: MetricSummary;
  readonly artifactSha256: string;
  readonly codeVersion: string | null;
  readonly workflowId: string;
  readonly runId: string;
  readonly requestedBy: string;
  readonly createdAt: string;
}

export interface ValuePair<T> {
  readonly a: T;
  readonly b: T;
  readonly same: boolean;
}

export interface MetricDifference {
  readonly metric: 'accuracy' | 'macroF1' | 'logLoss' | 'auc' | 'rmse' | 'mae' | 'r2';
  readonly a: number | null;
  readonly b: number | null;
  /** b − a; null when either side lacks the metric. */
  readonly difference: number | null;
  /** Which side is better (higher, or lower for log-loss, RMSE, MAE); `equal` when the same. */
  readonly better: 'a' | 'b' | 'equal' | null;
}

export interface ComparedSide {
  readonly version: number;
  readonly status: string;
  readonly createdAt: string;
  readonly requestedBy: string;
}

export interface VersionComparison {
  readonly model: string;
  readonly a: ComparedSide;
  readonly b: ComparedSide;
  /** Every training parameter either side has (flattened one level: `split.seed`). */
  readonly params: ({ readonly key: string } & ValuePair<unknown>)[];
  readonly metrics: MetricDifference[];
  readonly dataset: {
    readonly snapshot: ValuePair<string>;
    readonly path: ValuePair<string>;
    readonly rows: ValuePair<number> & { readonly difference: number };
  };
  readonly codeVersion: ValuePair<string | null>;
  readonly artifact: ValuePair<string>;
  /** Drift of b's training data against a's (a is the reference), when both stored a reference profile. */
  readonly drift: { readonly report: DriftReport } | { readonly report: null; readonly reason: string };
}

const LOWER_IS_BETTER = new Set(['logLoss', 'rmse', 'mae']);

function flatten(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && !prefix) {
      for (const [kk, vv] of flatten(v, `${k}.`)) out.set(kk, vv);
    } else out.set(`${prefix}${k}`, v);
  }
  return out;
}

const pair = <T>(a: T, b: T): ValuePair<T> => ({ a, b, same: JSON.stringify(a) === JSON.stringify(b) });

/** Drift of `b`'s training split against `a`'s, feature by feature, with the monitor's default tests. */
export function profileDrift(a: ReferenceProfileSet, b: ReferenceProfileSet): DriftReport {
  const inputs: FeatureDriftInput[] = Object.keys(a.features)
    .filter((name) => b.features[name] !== undefined)
    .map((name) => {
      const reference = a.features[name]!;
      return { feature: name, kind: reference.kind, reference, current: b.features[name]! };
    });
  return driftReport(inputs);
}

/**
 * Two versions of one model side by side: params, metrics with differences, dataset snapshot and rows, code
 * version, artifact — and, where both stored reference profiles, the drift between their training data.
 */
export function compareVersions(
  model: string,
  a: ComparableVersion,
  b: ComparableVersion,
  profiles: { a: ReferenceProfileSet | null; b: ReferenceProfileSet | null },
): VersionComparison {
  const pa = flatten(a.params);
  const pb = flatten(b.params);
  const keys = [...new Set([...pa.keys(), ...pb.keys()])].sort();
  const names = ['accuracy', 'macroF1', 'logLoss', 'auc', 'rmse', 'mae', 'r2'] as const;
  const metrics = names.map((metric): MetricDifference => {
    const va = metricValue(a.metrics, metric) ?? null;
    const vb = metricValue(b.metrics, metric) ?? null;
    const difference = va !== null && vb !== null ? vb - va : null;
    const sign = difference === null ? null : LOWER_IS_BETTER.has(metric) ? -difference : difference;
    const better = sign === null ? null : sign > 0 ? 'b' : sign < 0 ? 'a' : 'equal';
    return { metric, a: va, b: vb, difference, better };
  });
  const side = (v: ComparableVersion): ComparedSide =>
    ({ version: v.version, status: v.status, createdAt: v.createdAt, requestedBy: v.requestedBy });
  const missing = [!profiles.a ? `v${a.version}` : '', !profiles.b ? `v${b.version}` : ''].filter(Boolean);
  return {
    model,
    a: side(a),
    b: side(b),
    params: keys.map((key) => ({ key, ...pair(pa.get(key) ?? null, pb.get(key) ?? null) })),
    metrics: metrics.filter((m) => m.a !== null || m.b !== null),
    dataset: {
      snapshot: pair(a.datasetId, b.datasetId),
      path: pair(a.datasetPath, b.datasetPath),
      rows: { ...pair(a.datasetRows, b.datasetRows), difference: b.datasetRows - a.datasetRows },
    },
    codeVersion: pair(a.codeVersion, b.codeVersion),
    artifact: pair(a.artifactSha256, b.artifactSha256),
    drift:
      profiles.a && profiles.b
        ? { report: profileDrift(profiles.a, profiles.b) }
        : { report: null, reason: `no reference profile stored for ${missing.join(' and ')}` },
  };
}
