/** Running one chosen test on prepared sides: the numeric and categorical branches of featureDrift. */

import { histogramCountsSorted, quantileBinCountsSorted, quantileEdges, sturgesEdges } from './binning';
import { chiSquaredTest } from './chi-squared';
import { jensenShannonDistance } from './jensen-shannon';
import { ksSorted } from './ks';
import { JS_VALUE_BINNING_MAX_DISTINCT } from './method-choice';
import { numericCounts, type PreparedCategorical, type PreparedNumeric } from './prepared';
import { PSI_DEFAULT_BINS, psiFromCounts } from './psi';
import type { DriftMethod } from './types';
import { WASSERSTEIN_MIN_NORM, wassersteinSorted } from './wasserstein';
import { twoProportionZTest } from './z-test';

export interface TestOutcome {
  score: number;
  statistic: number;
  notes: string[];
}

/** A test that cannot run on these inputs; featureDrift reports it as not judged. */
export class NotApplicable extends Error {}

function stringKeyed(counts: Map<number, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of counts) out.set(String(k), (out.get(String(k)) ?? 0) + v);
  return out;
}

function proportionsOnUnion(ref: Map<string, number>, refN: number, cur: Map<string, number>, curN: number) {
  const keys = [...new Set([...ref.keys(), ...cur.keys()])];
  return {
    ref: keys.map((k) => (ref.get(k) ?? 0) / refN),
    cur: keys.map((k) => (cur.get(k) ?? 0) / curN),
  };
}

/** Evidently's z-test mapping: the smallest value is "0", every other value "1". */
function zTestOnCounts(ref: Map<string, number>, refN: number, cur: Map<string, number>, curN: number, first: string) {
  const r = twoProportionZTest(refN - (ref.get(first) ?? 0), refN, curN - (cur.get(first) ?? 0), curN);
  return { score: r.pValue, statistic: r.z };
}

export function runNumericTest(
  method: DriftMethod,
  ref: PreparedNumeric,
  cur: PreparedNumeric,
  psiBins: number = PSI_DEFAULT_BINS,
): TestOutcome {
  const notes: string[] = [];
  if (!ref.exact || !cur.exact) {
    const side = !ref.exact ? ref : cur;
    notes.push(
      `${side === ref ? 'reference' : 'current'} is a compressed profile (${side.sorted.length} points for ` +
        `${side.n} values): distribution-based scores are approximate (ECDF within 1/${side.sorted.length})`,
    );
  }
  switch (method) {
    case 'ks': {
      const r = ksSorted(ref.sorted, cur.sorted, { n1: ref.n, n2: cur.n });
      notes.push(`KS p-value method: ${r.method}`);
      return { score: r.pValue, statistic: r.statistic, notes };
    }
    case 'wasserstein': {
      const w = wassersteinSorted(ref.sorted, cur.sorted);
      if (ref.std < WASSERSTEIN_MIN_NORM) notes.push(`reference std ${ref.std} below ${WASSERSTEIN_MIN_NORM}: normalised by ${WASSERSTEIN_MIN_NORM}`);
      return { score: w / Math.max(ref.std, WASSERSTEIN_MIN_NORM), statistic: w, notes };
    }
    case 'jensenshannon': {
      if (ref.distinct > JS_VALUE_BINNING_MAX_DISTINCT) {
        const edges = sturgesEdges(Math.min(ref.min, cur.min), Math.max(ref.max, cur.max), ref.n + cur.n);
        const p = histogramCountsSorted(ref.sorted, edges).map((c) => c / ref.sorted.length);
        const q = histogramCountsSorted(cur.sorted, edges).map((c) => c / cur.sorted.length);
        const js = jensenShannonDistance(p, q);
        return { score: js, statistic: js, notes };
      }
      const { refCounts, curCounts } = exactCounts(ref, cur, method);
      const { ref: p, cur: q } = proportionsOnUnion(refCounts, ref.n, curCounts, cur.n);
      const js = jensenShannonDistance(p, q);
      return { score: js, statistic: js, notes };
    }
    case 'chisquare': {
      const { refCounts, curCounts } = exactCounts(ref, cur, method);
      const r = chiSquaredTest(refCounts, curCounts);
      return { score: r.pValue, statistic: r.statistic, notes };
    }
    case 'ztest': {
      const { refCounts, curCounts } = exactCounts(ref, cur, method);
      const smallest = Math.min(ref.min, cur.min);
      return { ...zTestOnCounts(refCounts, ref.n, curCounts, cur.n, String(smallest)), notes };
    }
    case 'psi': {
      const cached = ref.histogram && psiBins === PSI_DEFAULT_BINS && ref.histogram.counts.length > 0;
      const edges = cached ? ref.histogram!.edges : quantileEdges(ref.sorted, psiBins);
      const refCounts = cached ? ref.histogram!.counts : quantileBinCountsSorted(ref.sorted, edges);
      const value = psiFromCounts(refCounts, quantileBinCountsSorted(cur.sorted, edges));
      return { score: value, statistic: value, notes };
    }
  }
}

function exactCounts(ref: PreparedNumeric, cur: PreparedNumeric, method: DriftMethod) {
  const r = numericCounts(ref);
  const c = numericCounts(cur);
  if (!r || !c) throw new NotApplicable(`${method} needs exact value counts, but a compressed profile has many distinct values`);
  return { refCounts: stringKeyed(r), curCounts: stringKeyed(c) };
}

export function runCategoricalTest(method: DriftMethod, ref: PreparedCategorical, cur: PreparedCategorical): TestOutcome {
  const notes: string[] = [];
  switch (method) {
    case 'ks':
    case 'wasserstein':
      throw new NotApplicable(`${method} applies to numeric features only`);
    case 'chisquare': {
      const r = chiSquaredTest(ref.counts, cur.counts);
      if (!Number.isFinite(r.statistic)) notes.push('chi-squared statistic is infinite: current has categories the reference lacks');
      return { score: r.pValue, statistic: r.statistic, notes };
    }
    case 'ztest': {
      const keys = [...new Set([...ref.counts.keys(), ...cur.counts.keys()])].sort();
      if (keys.length > 2) notes.push(`z-test on ${keys.length} categories: "${keys[0]}" vs all others (as Evidently)`);
      return { ...zTestOnCounts(ref.counts, ref.n, cur.counts, cur.n, keys[0]!), notes };
    }
    case 'jensenshannon': {
      const { ref: p, cur: q } = proportionsOnUnion(ref.counts, ref.n, cur.counts, cur.n);
      const js = jensenShannonDistance(p, q);
      return { score: js, statistic: js, notes };
    }
    case 'psi': {
      const value = psiFromCounts(ref.counts, cur.counts);
      return { score: value, statistic: value, notes };
    }
  }
}
