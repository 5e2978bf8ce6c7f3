/**
 * featureDrift: one column's drift verdict, choosing the test as Evidently's defaults do
 * (see `chooseMethod`) unless overridden. Never throws: anything that prevents a verdict
 * (an empty side, a test that does not fit the data) comes back as `judged: false` with a reason.
 */

import { DEFAULT_THRESHOLDS, SCORE_KINDS, chooseMethod, isDrift } from './method-choice';
import { countDistinctUnionSorted } from './numeric-sample';
import { isProfile, prepareCategorical, prepareNumeric, type PreparedCategorical } from './prepared';
import { runCategoricalTest, runNumericTest, type TestOutcome } from './run-tests';
import type {
  CategoricalInput,
  CategoricalProfile,
  DriftMethod,
  FeatureDriftInput,
  FeatureDriftResult,
  NumericInput,
  NumericProfile,
  SideSummary,
  UnseenCategories,
} from './types';

/** Key standing for the categories a capped reference profile pooled. */
const OTHER = '\u0000other';

const EMPTY_SIDE: SideSummary = { rows: 0, nullCount: 0, invalidCount: 0, validCount: 0, nullRate: 0 };

function baseResult(input: FeatureDriftInput): FeatureDriftResult {
  return {
    feature: input.feature ?? 'feature',
    kind: input.kind,
    judged: false,
    reason: null,
    method: input.override?.method ?? null,
    methodChoice: input.override?.method ? 'override' : 'auto',
    score: null,
    scoreKind: null,
    statistic: null,
    threshold: null,
    drifted: false,
    reference: EMPTY_SIDE,
    current: EMPTY_SIDE,
    nullRateChange: 0,
    distinctValues: 0,
    unseenCategories: null,
    notes: [],
  };
}

function emptySideReason(result: FeatureDriftResult): string | null {
  if (result.reference.validCount === 0) return 'reference has no valid values';
  if (result.current.validCount === 0) return 'current has no valid values';
  return null;
}

function finish(result: FeatureDriftResult, method: DriftMethod, run: () => TestOutcome, threshold?: number): FeatureDriftResult {
  const t = threshold ?? DEFAULT_THRESHOLDS[method];
  result.method = method;
  result.threshold = t;
  result.scoreKind = SCORE_KINDS[method];
  const outcome = run();
  result.notes.push(...outcome.notes);
  if (!Number.isFinite(outcome.score)) {
    result.reason = `${method} gave no finite score`;
    return result;
  }
  result.judged = true;
  result.score = outcome.score;
  result.statistic = Number.isFinite(outcome.statistic) ? outcome.statistic : null;
  result.drifted = isDrift(method, outcome.score, t);
  return result;
}

/** Records both sides' summaries and the null-rate change; returns why nothing can be judged, if a side is empty. */
function recordSides(result: FeatureDriftResult, reference: FeatureDriftResult['reference'], current: FeatureDriftResult['current']): string | null {
  result.reference = reference;
  result.current = current;
  result.nullRateChange = current.nullRate - reference.nullRate;
  return emptySideReason(result);
}

function numericDrift(input: FeatureDriftInput, result: FeatureDriftResult): FeatureDriftResult {
  const ref = prepareNumeric(input.reference as NumericInput | NumericProfile);
  const cur = prepareNumeric(input.current as NumericInput | NumericProfile);
  const empty = recordSides(result, ref.summary, cur.summary);
  if (empty) return { ...result, reason: empty };

  if (ref.exact && cur.exact) result.distinctValues = countDistinctUnionSorted(ref.sorted, cur.sorted);
  else if (ref.valueCounts && cur.valueCounts) result.distinctValues = new Set([...ref.valueCounts.keys(), ...cur.valueCounts.keys()]).size;
  else result.distinctValues = Math.max(ref.distinct, cur.distinct);

  const method = input.override?.method ?? chooseMethod('numeric', ref.n, result.distinctValues);
  return finish(result, method, () => runNumericTest(method, ref, cur, input.override?.psiBins), input.override?.threshold);
}

function unseen(ref: PreparedCategorical, cur: PreparedCategorical): UnseenCategories {
  const missing = [...cur.counts.entries()].filter(([k]) => !ref.counts.has(k)).sort((a, b) => b[1] - a[1]);
  let rows = 0;
  for (const [, c] of missing) rows += c;
  return { count: missing.length, rows, share: cur.n > 0 ? rows / cur.n : 0, examples: missing.slice(0, 10).map(([k]) => k) };
}

/** Pool current categories a capped reference did not name into the reference's "other" bucket. */
function poolIntoOther(ref: PreparedCategorical, cur: PreparedCategorical): [PreparedCategorical, PreparedCategorical] {
  const refCounts = new Map(ref.counts);
  refCounts.set(OTHER, ref.otherCount);
  const curCounts = new Map<string, number>();
  for (const [k, c] of cur.counts) {
    const key = ref.counts.has(k) ? k : OTHER;
    curCounts.set(key, (curCounts.get(key) ?? 0) + c);
  }
  return [{ ...ref, counts: refCounts }, { ...cur, counts: curCounts }];
}

function categoricalDrift(input: FeatureDriftInput, result: FeatureDriftResult): FeatureDriftResult {
  let ref = prepareCategorical(input.reference as CategoricalInput | CategoricalProfile);
  let cur = prepareCategorical(input.current as CategoricalInput | CategoricalProfile);
  const empty = recordSides(result, ref.summary, cur.summary);
  if (empty) return { ...result, reason: empty };

  result.distinctValues = new Set([...ref.counts.keys(), ...cur.counts.keys()]).size;
  if (ref.otherCount > 0 || cur.otherCount > 0) {
    result.notes.push('a capped profile pooled rare categories: unseen categories cannot be told apart from pooled ones');
    if (ref.otherCount > 0) [ref, cur] = poolIntoOther(ref, cur);
  } else {
    result.unseenCategories = unseen(ref, cur);
  }
  const method = input.override?.method ?? chooseMethod('categorical', ref.n, result.distinctValues);
  return finish(result, method, () => runCategoricalTest(method, ref, cur), input.override?.threshold);
}

/** Drift of one feature between reference (raw values or a stored profile) and current data. */
export function featureDrift(input: FeatureDriftInput): FeatureDriftResult {
  const result = baseResult(input);
  try {
    for (const [side, value] of [['reference', input.reference], ['current', input.current]] as const) {
      if (isProfile(value) && value.kind !== input.kind) {
        return { ...result, reason: `${side} is a ${value.kind} profile but the feature is ${input.kind}` };
      }
    }
    const threshold = input.override?.threshold;
    if (threshold !== undefined && !Number.isFinite(threshold)) return { ...result, reason: 'override threshold is not a finite number' };
    return input.kind === 'numeric' ? numericDrift(input, result) : categoricalDrift(input, result);
  } catch (error) {
    // Statistics functions throw only on inputs they cannot judge; report rather than fail a workflow.
    return { ...result, judged: false, drifted: false, score: null, reason: error instanceof Error ? error.message : String(error) };
  }
}
