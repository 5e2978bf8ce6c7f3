import type { FeatureSpec, ModelSpec } from './spec';

/** What ingest records about a dataset: a reference (content-addressed snapshot), never the rows. */
export interface DatasetSnapshot {
  /** sha256 of the snapshot's canonical content: the dataset snapshot id. */
  readonly id: string;
  readonly sourcePath: string;
  readonly sourceSha256: string;
  readonly snapshotPath: string;
  readonly rowCount: number;
  readonly columns: { readonly name: string; readonly type: string }[];
}

export interface ColumnProfile {
  readonly name: string;
  readonly type: string;
  readonly nullCount: number;
  readonly min?: number;
  readonly max?: number;
  /** Distinct non-null values, for text columns (capped by the profiler). */
  readonly distinct?: string[];
  readonly nonFiniteCount?: number;
}

export interface DatasetProfile {
  readonly rowCount: number;
  readonly columns: ColumnProfile[];
}

export interface ValidationCheck {
  readonly check: 'column-present' | 'type' | 'nulls' | 'range' | 'categories' | 'row-count' | 'target-classes';
  readonly column?: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface ValidationReport {
  readonly passed: boolean;
  readonly checks: ValidationCheck[];
  readonly failures: string[];
}

const NUMERIC_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/i;
const TEXT_TYPES = /^(VARCHAR|TEXT|STRING|ENUM.*|BOOLEAN)$/i;

function checkFeature(feature: FeatureSpec, col: ColumnProfile | undefined, rowCount: number): ValidationCheck[] {
  if (!col) return [{ check: 'column-present', column: feature.name, passed: false, detail: `column "${feature.name}" is missing` }];
  // No rows: a header-only CSV reads as text columns; the row count says what is wrong, type checks would not.
  if (rowCount === 0) return [];
  const checks: ValidationCheck[] = [];
  const expectNumeric = feature.type === 'numeric';
  const typeOk = expectNumeric ? NUMERIC_TYPES.test(col.type) : TEXT_TYPES.test(col.type) || NUMERIC_TYPES.test(col.type);
  checks.push({ check: 'type', column: feature.name, passed: typeOk, detail: `${col.type} ${typeOk ? 'is' : 'is not'} ${feature.type}` });
  const nullFraction = rowCount ? col.nullCount / rowCount : 0;
  checks.push({
    check: 'nulls',
    column: feature.name,
    passed: nullFraction <= feature.maxNullFraction,
    detail: `${col.nullCount} nulls (${(nullFraction * 100).toFixed(2)} %, allowed ${(feature.maxNullFraction * 100).toFixed(2)} %)`,
  });
  if (feature.type === 'numeric' && typeOk) {
    const nonFinite = col.nonFiniteCount ?? 0;
    const lowOk = feature.min === undefined || col.min === undefined || col.min >= feature.min;
    const highOk = feature.max === undefined || col.max === undefined || col.max <= feature.max;
    checks.push({
      check: 'range',
      column: feature.name,
      passed: lowOk && highOk && nonFinite === 0,
      detail: `observed [${col.min}, ${col.max}], allowed [${feature.min ?? '-inf'}, ${feature.max ?? 'inf'}]${nonFinite ? `, ${nonFinite} NaN/Inf values` : ''}`,
    });
  }
  if (feature.type === 'categorical' && feature.categories && col.distinct) {
    const unknown = col.distinct.filter((v) => !feature.categories?.includes(v));
    checks.push({
      check: 'categories',
      column: feature.name,
      passed: unknown.length === 0,
      detail: unknown.length ? `unexpected values: ${unknown.slice(0, 10).join(', ')}` : `${col.distinct.length} known values`,
    });
  }
  return checks;
}

/**
 * A regression target must be numeric with at least one value; rows without one are left out of training
 * and evaluation (the check says how many), so nulls alone do not fail validation.
 */
function regressionTargetChecks(name: string, col: ColumnProfile, rowCount: number): ValidationCheck[] {
  const numeric = NUMERIC_TYPES.test(col.type);
  const type = `${col.type} ${numeric ? 'is' : 'is not'} numeric (a regression target needs numbers)`;
  const checks: ValidationCheck[] = [{ check: 'type', column: name, passed: numeric, detail: type }];
  if (!numeric) return checks;
  const present = rowCount - col.nullCount - (col.nonFiniteCount ?? 0);
  const detail = present === 0
    ? 'every target value is missing'
    : `${rowCount - present} rows without a target value (left out of training and evaluation)`;
  checks.push({ check: 'nulls', column: name, passed: present > 0, detail });
  return checks;
}

/**
 * Validates a profiled dataset against the spec. Pure: the profile comes from DuckDB in the activity.
 * `found` (the dataset's columns) is named once when a column is missing — a wrong delimiter or header shows there.
 */
export function validateDataset(profile: DatasetProfile, spec: ModelSpec, found?: readonly string[]): ValidationReport {
  const byName = new Map(profile.columns.map((c) => [c.name, c]));
  const checks: ValidationCheck[] = [
    { check: 'row-count', passed: profile.rowCount >= spec.minRows, detail: `${profile.rowCount} rows (minimum ${spec.minRows})` },
  ];
  for (const f of spec.features) checks.push(...checkFeature(f, byName.get(f.name), profile.rowCount));
  const target = byName.get(spec.target.name);
  if (!target) {
    checks.push({ check: 'column-present', column: spec.target.name, passed: false, detail: `target column "${spec.target.name}" is missing` });
  } else if (profile.rowCount > 0 && spec.target.kind === 'regression') {
    checks.push(...regressionTargetChecks(spec.target.name, target, profile.rowCount));
  } else if (profile.rowCount > 0) {
    checks.push({ check: 'nulls', column: spec.target.name, passed: target.nullCount === 0, detail: `${target.nullCount} null labels` });
    const classes = target.distinct ?? [];
    const declared = spec.target.classes;
    const unknown = declared ? classes.filter((c) => !declared.includes(c)) : [];
    checks.push({
      check: 'target-classes',
      column: spec.target.name,
      passed: classes.length >= 2 && unknown.length === 0,
      detail: classes.length < 2 ? `needs at least 2 classes, found ${classes.length}` : unknown.length ? `undeclared labels: ${unknown.join(', ')}` : `${classes.length} classes`,
    });
  }
  const firstMissing = checks.findIndex((c) => c.check === 'column-present' && !c.passed);
  const missing = checks[firstMissing];
  if (missing && found) {
    const listed = found.length > 20 ? `${found.slice(0, 20).join(', ')}, …` : found.join(', ');
    checks[firstMissing] = { ...missing, detail: `${missing.detail} (the dataset's columns: ${listed || 'none'})` };
  }
  const failures = checks.filter((c) => !c.passed).map((c) => `${c.column ? `${c.column}: ` : ''}${c.check} — ${c.detail}`);
  return { passed: failures.length === 0, checks, failures };
}
