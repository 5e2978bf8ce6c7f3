/**
 * Drift benchmark on real data: flights-3m.parquet (vega-datasets), January vs June 2001.
 * Reads the columns with DuckDB, runs our drift statistics, then runs bench/drift_flights.py
 * (scipy/numpy) on the same rows, and prints both sides' values, times and the time ratio.
 *
 *   node --require ./bench/swc-register.js bench/drift-flights.ts [--python bench/.venv/bin/python]
 *
 * Each timing is the best of 3 runs of the statistic alone, data already in memory. A benchmark,
 * not a test: it asserts nothing about time.
 */

import { execFileSync } from 'child_process';
import * as path from 'path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  buildNumericProfile,
  chiSquaredTest,
  datasetDrift,
  featureDrift,
  jensenShannonDistance,
  ksTwoSample,
  normalizedWasserstein,
  psi,
  wassersteinDistance,
  type FeatureDriftResult,
} from '../src/domain/drift';

const ROOT = path.resolve(__dirname, '..');
const PARQUET = path.join(ROOT, 'node_modules/vega-datasets/data/flights-3m.parquet');

interface Row {
  name: string;
  value: number;
  pValue?: number;
  ms: number;
}

function timed<T>(fn: () => T, repeat = 3): { out: T; ms: number } {
  let best = Infinity;
  let out!: T;
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    out = fn();
    best = Math.min(best, performance.now() - t);
  }
  return { out, ms: best };
}

async function load(): Promise<Record<string, { delay: Float64Array; distance: Float64Array; origin: string[] }>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const out: Record<string, { delay: Float64Array; distance: Float64Array; origin: string[] }> = {};
  const where: Record<string, string> = {
    jan: 'month(date) = 1',
    jun: 'month(date) = 6',
    early: 'month(date) <= 2',
    late: 'month(date) >= 5',
  };
  for (const [key, predicate] of Object.entries(where)) {
    const reader = await connection.runAndReadAll(
      `SELECT CAST(delay AS DOUBLE) AS delay, CAST(distance AS DOUBLE) AS distance, origin
       FROM read_parquet('${PARQUET.replace(/'/g, "''")}') WHERE ${predicate}`,
    );
    const [delay, distance, origin] = reader.getColumns() as [Array<number | null>, Array<number | null>, Array<string | null>];
    out[key] = {
      delay: Float64Array.from(delay, (v) => (v === null ? NaN : v)),
      distance: Float64Array.from(distance, (v) => (v === null ? NaN : v)),
      origin: origin.map((v) => v ?? ''),
    };
  }
  connection.closeSync();
  return out;
}

function categoryCounts(ref: string[], cur: string[]): { r: number[]; c: number[] } {
  const rm = new Map<string, number>();
  const cm = new Map<string, number>();
  for (const v of ref) rm.set(v, (rm.get(v) ?? 0) + 1);
  for (const v of cur) cm.set(v, (cm.get(v) ?? 0) + 1);
  const keys = [...new Set([...rm.keys(), ...cm.keys()])].sort();
  return { r: keys.map((k) => rm.get(k) ?? 0), c: keys.map((k) => cm.get(k) ?? 0) };
}

function fmt(x: number | undefined): string {
  if (x === undefined) return '';
  if (x === 0 || !Number.isFinite(x)) return String(x);
  return Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6 ? x.toExponential(6) : x.toPrecision(8);
}

async function main(): Promise<void> {
  const pyIndex = process.argv.indexOf('--python');
  const python = pyIndex > 0 ? process.argv[pyIndex + 1]! : path.join(ROOT, 'bench/.venv/bin/python');

  let t = performance.now();
  const data = await load();
  const loadMs = performance.now() - t;
  const { jan, jun, early, late } = data as Record<string, { delay: Float64Array; distance: Float64Array; origin: string[] }>;
  if (!jan || !jun || !early || !late) throw new Error('missing months');

  const rows: Row[] = [];
  const add = (name: string, fn: () => { value: number; pValue?: number }) => {
    const { out, ms } = timed(fn);
    rows.push({ name, ...out, ms });
  };
  for (const col of ['delay', 'distance'] as const) {
    const a = jan[col];
    const b = jun[col];
    add(`${col} ks`, () => {
      const r = ksTwoSample(a, b);
      return { value: r.statistic, pValue: r.pValue };
    });
    add(`${col} wasserstein`, () => ({ value: wassersteinDistance(a, b) }));
    add(`${col} wasserstein_norm`, () => ({ value: normalizedWasserstein(a, b) }));
    add(`${col} psi`, () => ({ value: psi(a, b) }));
  }
  add('origin jensenshannon', () => {
    const { r, c } = categoryCounts(jan.origin, jun.origin);
    return { value: jensenShannonDistance(r, c) };
  });
  add('origin chisquare', () => {
    const { r, c } = categoryCounts(jan.origin, jun.origin);
    const x = chiSquaredTest(r, c);
    return { value: x.statistic, pValue: x.pValue };
  });
  add(`delay ks 1M-vs-1M (${early.delay.length} vs ${late.delay.length})`, () => {
    const r = ksTwoSample(early.delay, late.delay);
    return { value: r.statistic, pValue: r.pValue };
  });
  const shiftedA = jan.delay.subarray(0, 100_000);
  const shiftedB = jan.delay.slice(100_000, 200_000).map((v) => v + 0.5);
  add('delay ks 100k-vs-100k shifted', () => {
    const r = ksTwoSample(shiftedA, shiftedB);
    return { value: r.statistic, pValue: r.pValue };
  });

  // The full per-feature report (Evidently's automatic test choice) and the profile route.
  const report = timed(() => {
    const features: FeatureDriftResult[] = [
      featureDrift({ feature: 'delay', kind: 'numeric', reference: jan.delay, current: jun.delay }),
      featureDrift({ feature: 'distance', kind: 'numeric', reference: jan.distance, current: jun.distance }),
      featureDrift({ feature: 'origin', kind: 'categorical', reference: jan.origin, current: jun.origin }),
    ];
    return { features, dataset: datasetDrift(features) };
  });
  const profile = timed(() => buildNumericProfile(jan.delay));
  const viaProfile = timed(() => featureDrift({ feature: 'delay', kind: 'numeric', reference: profile.out, current: jun.delay }));

  t = performance.now();
  const env = { ...process.env };
  // Per the machine notes: these slow a current numpy; drop them for this command only.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const py = JSON.parse(execFileSync(python, [path.join(ROOT, 'bench/drift_flights.py'), PARQUET], { env, encoding: 'utf8', maxBuffer: 1 << 24 })) as {
    load_ms: number;
    results: Array<{ name: string; value: number | string; p_value?: number; ms: number }>;
    versions: Record<string, string>;
  };
  const pyWall = performance.now() - t;

  console.log(`flights-3m.parquet: January ${jan.delay.length} rows vs June ${jun.delay.length} rows`);
  console.log(`load: DuckDB (node) ${loadMs.toFixed(0)} ms for 4 month filters; pyarrow ${py.load_ms.toFixed(0)} ms; python process ${pyWall.toFixed(0)} ms`);
  console.log(`scipy ${py.versions.scipy}, numpy ${py.versions.numpy}, node ${process.version}\n`);
  const header = ['statistic', 'ours', 'scipy/numpy', 'rel diff', 'ours p', 'scipy p', 'ours ms', 'py ms', 'py/ours'];
  const table = rows.map((r) => {
    const p = py.results.find((x) => x.name === r.name);
    const pv = p ? (typeof p.value === 'string' ? Number(p.value.replace('inf', 'Infinity')) : p.value) : NaN;
    const rel = pv === r.value ? 0 : Math.abs(r.value - pv) / Math.abs(pv);
    return [r.name, fmt(r.value), fmt(pv), fmt(rel), fmt(r.pValue), fmt(p?.p_value), r.ms.toFixed(1), p ? p.ms.toFixed(1) : '', p ? (p.ms / r.ms).toFixed(2) : ''];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const row of table) console.log(line(row));
  const ours = rows.reduce((s, r) => s + r.ms, 0);
  const theirs = py.results.reduce((s, r) => s + r.ms, 0);
  console.log(`\ntotal: ours ${ours.toFixed(0)} ms, scipy/numpy ${theirs.toFixed(0)} ms, ratio ${(theirs / ours).toFixed(2)}`);

  console.log(`\nfeatureDrift report (auto choice, 3 features): ${report.ms.toFixed(0)} ms`);
  for (const f of report.out.features) {
    console.log(`  ${f.feature.padEnd(9)} ${String(f.method).padEnd(14)} score ${fmt(f.score!)} threshold ${f.threshold} drifted ${f.drifted}` +
      (f.unseenCategories ? `, unseen origins ${f.unseenCategories.count} (${f.unseenCategories.rows} rows)` : ''));
  }
  console.log(`  dataset: drifted share ${report.out.dataset.driftedShare.toFixed(3)} → datasetDrift ${report.out.dataset.datasetDrift}`);
  const json = JSON.stringify(profile.out);
  console.log(`\nprofile of January delay: build ${profile.ms.toFixed(0)} ms, ${json.length} bytes JSON; ` +
    `drift vs June from the profile ${viaProfile.ms.toFixed(0)} ms → ${viaProfile.out.method} ${fmt(viaProfile.out.score!)} ` +
    `(raw reference: ${fmt(report.out.features[0]!.score!)})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
