/**
 * Monitoring benchmark (not a test): what the prediction log costs the model server, how fast it writes,
 * and how long a monitor report takes over a window of real weather rows — each next to a baseline
 * measured in the same run. Build first (`npx tsc -p .`), then: `node dist/bench/monitoring.js [rows]`.
 */
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pino from 'pino';
import { ArtifactStore, DatasetPaths, FilePredictionLog, PredictionStore, SqliteRegistry, ingestLabels, predictionLogSource } from '../src/adapters';
import { buildReferenceProfiles, judgeWindow, monitoringSpecSchema, type PredictionRecord } from '../src/domain';
import { evaluateModel, splitRows, trainModel, type Row } from '../src/domain/ml';
import { buildModelServer } from '../src/serving';

const root = resolve(__dirname, '..', '..');
const csv = join(root, 'node_modules/vega-datasets/data/weather.csv');
const rowsArg = Number(process.argv[2] ?? 100_000);
const features = ['precipitation', 'temp_max', 'temp_min', 'wind'].map((name) => ({ name, type: 'numeric' as const }));
const say = (s = '') => process.stdout.write(`${s}\n`);
const ms = (t0: number) => performance.now() - t0;

async function weather(): Promise<Row[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const r = await c.runAndReadAll(`SELECT location, precipitation, temp_max, temp_min, wind, weather FROM read_csv('${csv}') ORDER BY hash(date, location)`);
  const rows = r.getRowObjectsJS() as Row[];
  c.closeSync();
  db.closeSync();
  return rows;
}

/** Requests per second of `total` single-row predictions, `concurrency` at a time, over real HTTP. */
async function throughput(url: string, body: string, total: number, concurrency: number): Promise<number> {
  let sent = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total) {
        sent++;
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.arrayBuffer();
      }
    }),
  );
  return total / (ms(t0) / 1000);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mlops-bench-monitoring-'));
  const dirs = { predictionLogDir: join(dir, 'predictions'), labelDir: join(dir, 'labels'), retrainDir: join(dir, 'retrain') };
  const logger = pino({ level: 'silent' });
  const all = await weather();
  const seattle = all.filter((r) => r['location'] === 'Seattle');
  const { train } = splitRows(seattle, 'weather', 0.25, 42);
  const { artifact } = await trainModel(train, { modelName: 'bench', datasetId: 'bench', target: 'weather', features, testFraction: 0.25, splitSeed: 42, epochs: 100, learningRate: 0.5, l2: 0.001, seed: 7, classWeight: 'none' });

  // 1. Serving with and without the prediction log.
  const registry = new SqliteRegistry(join(dir, 'registry.db'));
  const artifacts = new ArtifactStore(join(dir, 'artifacts'));
  const stored = await artifacts.put(artifact);
  const metrics = evaluateModel(artifact, train, 'weather');
  await registry.registerVersion({ modelName: 'bench', status: 'deployed', datasetId: 'bench', datasetPath: csv, datasetRows: train.length, spec: {}, params: {}, metrics, evaluation: { candidate: metrics, champion: null, checks: [], blessed: true, testRows: 0 }, artifactPath: stored.path, artifactSha256: stored.sha256, codeVersion: null, workflowId: 'bench', runId: 'bench', requestedBy: 'bench' });
  await registry.moveAlias({ modelName: 'bench', alias: 'production', version: 1, actor: 'bench' });
  const body = JSON.stringify({ instances: [{ precipitation: 1.2, temp_max: 14, temp_min: 6, wind: 3.1 }] });
  const requests = 10_000;
  const rate: Record<string, number[]> = { false: [], true: [] };
  // Alternate the two set-ups so machine noise and JIT warm-up hit both alike.
  for (const withLog of [false, true, false, true, false, true]) {
    const log = withLog ? new FilePredictionLog(join(dir, 'serving-log'), { flushMs: 500 }) : undefined;
    const { app } = await buildModelServer({ registry, artifacts, adminToken: 'bench-admin-token', logger, ...(log ? { sink: log } : {}) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1/models/bench/predict`;
    await throughput(url, body, 2_000, 10); // warm-up
    rate[String(withLog)]?.push(await throughput(url, body, requests, 10));
    await app.close();
    await log?.close();
  }
  const median = (xs: number[] = []) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  say(`serving, 3 × ${requests} single-row predictions over HTTP at concurrency 10 (client in the same process), median:`);
  say(`  without log ${median(rate['false']).toFixed(0)} req/s, with log ${median(rate['true']).toFixed(0)} req/s — ratio ${(median(rate['true']) / median(rate['false'])).toFixed(3)}`);

  // 2. The writer: cost of record() on the request path, and of writing to disk.
  const n = rowsArg;
  const start = Date.now() - 30 * 60_000;
  const records: PredictionRecord[] = Array.from({ length: n }, (_, i) => {
    const r = all[i % all.length] as Row;
    return {
      requestId: `bench-${i}`,
      row: 0,
      at: new Date(start + Math.floor((i * 30 * 60_000) / n)).toISOString(),
      model: 'bench',
      version: 1,
      role: 'primary',
      features: { precipitation: r['precipitation'] ?? null, temp_max: r['temp_max'] ?? null, temp_min: r['temp_min'] ?? null, wind: r['wind'] ?? null },
      label: 'sun',
      probabilities: { drizzle: 0.05, fog: 0.05, rain: 0.3, snow: 0.0, sun: 0.6 },
    };
  });
  const writer = new FilePredictionLog(dirs.predictionLogDir, { flushMs: 60_000, maxBuffered: n + 1 });
  let t0 = performance.now();
  for (const r of records) writer.record(r);
  const recordMs = ms(t0);
  t0 = performance.now();
  await writer.close();
  const writeMs = ms(t0);
  const logDir = join(dirs.predictionLogDir, 'bench');
  const bytes = readdirSync(logDir).reduce((s, f) => s + statSync(join(logDir, f)).size, 0);
  t0 = performance.now();
  const json = records.map((r) => JSON.stringify(r)).join('\n');
  const stringifyMs = ms(t0);
  say(`prediction log, ${n} records: record() ${((recordMs * 1000) / n).toFixed(2)} µs each on the request path;`);
  say(`  writing ${(n / (writeMs / 1000)).toFixed(0)} records/s (${(bytes / n).toFixed(0)} bytes each) — ${(writeMs / stringifyMs).toFixed(2)}× the time of JSON.stringify alone (${json.length} chars)`);

  // 3. A monitor report over the window, against a plain DuckDB scan of the same files.
  const store = await PredictionStore.open(dirs, new DatasetPaths([dir]));
  const window = { start: new Date(start - 1).toISOString(), end: new Date(Date.now()).toISOString() };
  const files = await store.logFiles('bench');
  t0 = performance.now();
  await store.withConnection(async (c) => c.runAndReadAll(`SELECT count(*), avg(length(features::VARCHAR)) FROM ${predictionLogSource(files)}`));
  const scanMs = ms(t0);
  t0 = performance.now();
  const data = await store.readWindow({ model: 'bench', window, features });
  const readMs = ms(t0);
  const profiles = buildReferenceProfiles(train, features, 'weather');
  t0 = performance.now();
  const report = judgeWindow({ id: 'bench', model: 'bench', version: 1, profileId: 'bench', window, createdAt: window.end, features, profiles, data, monitoring: monitoringSpecSchema.parse({}) });
  const judgeMs = ms(t0);
  say(`monitor report over ${data.rows} predictions: read ${readMs.toFixed(0)} ms + judge ${judgeMs.toFixed(0)} ms (drift share ${report.drift.dataset.driftedShare.toFixed(2)})`);
  say(`  ratio ${((readMs + judgeMs) / scanMs).toFixed(2)}× a bare DuckDB scan of the same log (${scanMs.toFixed(0)} ms)`);

  // 4. Labels for every prediction.
  const labelsPath = join(dir, 'labels.csv');
  writeFileSync(labelsPath, ['request_id,label', ...records.map((r, i) => `${r.requestId},${String((all[i % all.length] as Row)['weather'])}`)].join('\n'));
  t0 = performance.now();
  const ingested = await ingestLabels(store, labelsPath);
  const ingestMs = ms(t0);
  t0 = performance.now();
  const labelled = await store.readLabelled({ model: 'bench', version: 1, window });
  const joinMs = ms(t0);
  say(`labels: ingest ${ingested.stored} in ${ingestMs.toFixed(0)} ms (${(ingested.stored / (ingestMs / 1000)).toFixed(0)}/s); join ${labelled.length} with the log in ${joinMs.toFixed(0)} ms (${(joinMs / scanMs).toFixed(2)}× the scan)`);
  store.close();
  await registry.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
