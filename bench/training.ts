/**
 * Training benchmark (issue 9): the built-in trainer (columnar frames + L-BFGS, as the training activity runs
 * it) vs scikit-learn's LogisticRegression on the same rows, split, features and preprocessing, side by side
 * in one run. Cases on flights-3m.parquet (vega-datasets): (a) 100k-row binary "delayed > 15 min" with two
 * numerics and two ~230-value categoricals, (b) the same rows with four delay classes, (c) all 3M rows binary.
 *
 *   bash bench/training.sh            # creates bench/.venv (scikit-learn) when missing
 *
 * Each case runs in a fresh process per side so peak RSS is the case's own. A benchmark, not a test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DatasetPaths, DuckDbDatasets } from '../src/adapters';
import { evaluateOnFrame, labelTexts, stratifiedSplit, takeRows, trainOnFrame, type FeatureRef } from '../src/domain/ml';

const ROOT = resolve(__dirname, '..');
const FLIGHTS = join(ROOT, 'node_modules/vega-datasets/data/flights-3m.parquet');
const FEATURES: FeatureRef[] = [
  { name: 'distance', type: 'numeric' },
  { name: 'hour', type: 'numeric' },
  { name: 'origin', type: 'categorical' },
  { name: 'destination', type: 'categorical' },
];
const L2 = 0.001;
const TOLERANCE = 1e-5;
const MAX_ITERATIONS = 500;

interface CaseSpec {
  readonly id: string;
  readonly title: string;
  readonly rows: number | 'all';
  readonly label: string;
}
const CASES: CaseSpec[] = [
  { id: 'a', title: '(a) 100k binary, 2 numerics + 2×~230 categories', rows: 100_000, label: `(delay > 15)::VARCHAR` },
  {
    id: 'b',
    title: '(b) 100k, 4 delay classes',
    rows: 100_000,
    label: `CASE WHEN delay < 0 THEN 'early' WHEN delay <= 15 THEN 'on-time' WHEN delay <= 60 THEN 'late' ELSE 'very-late' END`,
  },
  { id: 'c', title: '(c) all 3M rows, binary', rows: 'all', label: `(delay > 15)::VARCHAR` },
];

interface SideResult {
  readonly readMs: number;
  readonly fitMs: number;
  readonly iterations: number;
  readonly accuracy: number;
  readonly logLoss: number;
  readonly auc?: number;
  readonly peakRssMb: number;
}

async function prepare(dir: string, c: CaseSpec): Promise<string> {
  const out = join(dir, `case-${c.id}.parquet`);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const sample = c.rows === 'all' ? '' : `USING SAMPLE reservoir(${c.rows} ROWS) REPEATABLE (42)`;
  await conn.run(
    `COPY (SELECT distance::DOUBLE AS distance, hour(date) + minute(date) / 60.0 AS hour, origin, destination, ${c.label} AS label
           FROM read_parquet('${FLIGHTS}') ${sample}) TO '${out}' (FORMAT parquet)`,
  );
  conn.closeSync();
  db.closeSync();
  return out;
}

/** One side of one case, in this (fresh) process: read, split, fit, evaluate; the split goes to a file for Python. */
async function runOurs(dir: string, parquet: string): Promise<SideResult> {
  const datasets = await DuckDbDatasets.open(join(dir, 'snapshots'), new DatasetPaths([dir]));
  const snapshot = { snapshotPath: parquet };
  let t = performance.now();
  const frame = await datasets.readFrame(snapshot, [...FEATURES, { name: 'label', type: 'categorical' }]);
  const readMs = performance.now() - t;
  // The activity's split (splitFrame), done by hand so Python can be handed the same rows as a mask.
  const split = stratifiedSplit(labelTexts(frame, 'label'), 0.25, 42);
  const train = takeRows(frame, split.train);
  const test = takeRows(frame, split.test);
  const isTest = new Uint8Array(frame.rows);
  for (const i of split.test) isTest[i] = 1;
  writeFileSync(join(dir, 'is-test.u8'), isTest);
  t = performance.now();
  const recipe = {
    modelName: 'bench', datasetId: 'bench', target: 'label', features: FEATURES, testFraction: 0.25, splitSeed: 42,
    epochs: 1, learningRate: 0.5, l2: L2, seed: 7, classWeight: 'none' as const,
    solver: 'lbfgs' as const, maxIterations: MAX_ITERATIONS, tolerance: TOLERANCE,
  };
  const { artifact } = await trainOnFrame(train, recipe);
  const fitMs = performance.now() - t;
  const m = evaluateOnFrame(artifact, test, 'label');
  datasets.close();
  return { readMs, fitMs, iterations: artifact.trainedOn.epochs, accuracy: m.accuracy, logLoss: m.logLoss, ...(m.auc !== undefined ? { auc: m.auc } : {}), peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function spawnSide(args: string[], python?: string): SideResult {
  const out = python
    ? execFileSync(python, [join(ROOT, 'bench/training_sklearn.py'), ...args], { encoding: 'utf8', maxBuffer: 1 << 20 })
    : execFileSync(process.execPath, ['--require', join(ROOT, 'bench/swc-register.js'), __filename, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop() as string) as SideResult;
}

const f = (v: number | undefined, d = 4): string => (v === undefined ? '–' : v.toFixed(d));

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--run-ours') {
    process.stdout.write(`${JSON.stringify(await runOurs(argv[1] as string, argv[2] as string))}\n`);
    return;
  }
  const python = argv[argv.indexOf('--python') + 1] ?? join(ROOT, 'bench/.venv/bin/python');
  const only = argv.includes('--cases') ? (argv[argv.indexOf('--cases') + 1] ?? '').split(',') : CASES.map((c) => c.id);
  console.log(`training benchmark — ours (columnar + L-BFGS, tol ${TOLERANCE}) vs scikit-learn LogisticRegression(lbfgs, same tol); l2 ${L2}`);
  for (const c of CASES.filter((x) => only.includes(x.id))) {
    const dir = mkdtempSync(join(tmpdir(), `mlops-bench-training-${c.id}-`));
    const parquet = await prepare(dir, c);
    const ours = spawnSide(['--run-ours', dir, parquet]);
    const theirs = spawnSide([parquet, join(dir, 'is-test.u8'), String(L2), String(TOLERANCE), String(MAX_ITERATIONS)], python);
    console.log(`\n${c.title}`);
    console.log(`  side          read ms   fit ms  iters  accuracy  log-loss     AUC  peak RSS MB`);
    for (const [name, r] of [['ours', ours], ['scikit-learn', theirs]] as const) {
      console.log(`  ${name.padEnd(12)} ${f(r.readMs, 0).padStart(8)} ${f(r.fitMs, 0).padStart(8)} ${String(r.iterations).padStart(6)}  ${f(r.accuracy)}    ${f(r.logLoss)}  ${f(r.auc)}  ${f(r.peakRssMb, 0).padStart(11)}`);
    }
    console.log(`  fit time ratio ours/sklearn: ${(ours.fitMs / theirs.fitMs).toFixed(2)}×; AUC difference: ${ours.auc !== undefined && theirs.auc !== undefined ? (ours.auc - theirs.auc).toFixed(5) : '–'}; read ratio: ${(ours.readMs / theirs.readMs).toFixed(2)}×`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
