/**
 * Serving benchmark (not a test): ONNX models (scikit-learn, trained by the Python worker's code and served
 * through onnxruntime-node) against the built-in model, on the same model server, and against the fastify no-op
 * ceiling — autocannon, concurrency 10, loopback, one row per request, the same weather rows for all.
 *   bash bench/serving-onnx.sh [--duration 10]
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { ArtifactStore, openRegistry } from '../src/adapters';
import { modelSpecSchema, parseConfig, type ModelSpec } from '../src/domain';
import { startProcess, waitForHttp, type ManagedProcess } from '../scripts/lib/processes';
import { tempDir } from '../test/support/paths';
import { registerTrainedVersion } from '../test/support/versions';
import { featureRows, weatherCsvPath } from '../test/support/weather-rows';

const root = resolve(__dirname, '..', '..');
const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' } } });
const DURATION_S = Number(values.duration);
const CONNECTIONS = 10;
const PORTS = { mlops: 8823, noop: 8825 } as const;
const say = (s = ''): void => void process.stdout.write(`${s}\n`);

/** One autocannon run; latencies from its response events (float ms). */
function load(url: string, body: unknown, seconds: number): Promise<{ result: autocannon.Result; latencies: number[] }> {
  const latencies: number[] = [];
  return new Promise((done, fail) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        connections: CONNECTIONS,
        duration: seconds,
      },
      (err, result) => (err ? fail(err) : done({ result, latencies })),
    );
    instance.on('response', (_client, _status, _bytes, ms: number) => latencies.push(ms));
  });
}

async function measure(name: string, url: string, body: unknown): Promise<{ reqPerSec: number; p99Ms: number }> {
  await load(url, body, 2); // warm-up, discarded
  const { result, latencies } = await load(url, body, DURATION_S);
  latencies.sort((a, b) => a - b);
  const q = (p: number): number => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? NaN;
  const m = { reqPerSec: result.requests.total / DURATION_S, p50Ms: q(0.5), p99Ms: q(0.99), non2xx: result.non2xx };
  const rps = m.reqPerSec.toFixed(0).padStart(7);
  say(`  ${name.padEnd(48)} ${rps} req/s  p50 ${m.p50Ms.toFixed(2)} ms  p99 ${m.p99Ms.toFixed(2)} ms  non-2xx ${m.non2xx}`);
  return m;
}

/** Trains with the Python worker's own code (train_candidate, no Temporal) and returns the envelope's path/hash. */
function trainOnnx(python: string, spec: ModelSpec, snapshotPath: string, dataDir: string): { path: string; sha: string } {
  const payload = join(dataDir, `${spec.name}-payload.json`);
  writeFileSync(payload, JSON.stringify({ spec, snapshot: { id: 'bench-weather', snapshotPath } }));
  const script = 'import json,sys\nfrom mlops_trainer.training import train_candidate\n'
    + 'print(json.dumps(train_candidate(json.load(open(sys.argv[1])), lambda _p: None)))';
  const out = execFileSync(python, ['-c', script, payload], {
    cwd: join(root, 'trainers/python'),
    encoding: 'utf8',
    env: { ...process.env, MLOPS_DATA_DIR: dataDir },
  });
  const result = JSON.parse(out) as { artifactPath: string; artifactSha256: string };
  return { path: result.artifactPath, sha: result.artifactSha256 };
}

async function main(): Promise<void> {
  const dataDir = tempDir('bench-serving-onnx');
  const config = parseConfig({ MLOPS_DATA_DIR: dataDir });
  const snapshotPath = join(dataDir, 'weather.parquet');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(`COPY (SELECT * FROM read_csv_auto('${weatherCsvPath}')) TO '${snapshotPath}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();

  const python = execFileSync('bash', [join(root, 'scripts/ensure-python-trainer.sh')], { encoding: 'utf8' }).trim();
  const base = modelSpecSchema.parse({
    ...(JSON.parse(JSON.stringify(require(join(root, 'examples/weather-sklearn.json')))) as object),
    dataset: { path: weatherCsvPath, format: 'csv' },
  });
  const onnxModels = {
    'weather-onnx-logreg': { trainer: 'sklearn', estimator: 'sklearn.linear_model.LogisticRegression', params: { max_iter: 500 } },
    'weather-onnx-hgb': base.training,
  } as const;
  const registry = await openRegistry(config);
  const artifacts = new ArtifactStore(config.artifactDir);
  await registerTrainedVersion(registry, artifacts, { model: 'weather-builtin', seed: 7, epochs: 300 });
  await registry.moveAlias({ modelName: 'weather-builtin', alias: 'production', version: 1, actor: 'bench' });
  for (const [name, training] of Object.entries(onnxModels)) {
    const spec = modelSpecSchema.parse({ ...base, name, training });
    const { path, sha } = trainOnnx(python, spec, snapshotPath, dataDir);
    const metrics = { accuracy: 0, macroF1: 0, logLoss: 0, rows: 0 };
    await registry.registerVersion({
      modelName: name, status: 'approved', datasetId: 'bench-weather', datasetPath: snapshotPath, datasetRows: 0,
      spec, params: {}, metrics, evaluation: { candidate: metrics, champion: null, checks: [], blessed: true, testRows: 0 },
      artifactPath: path, artifactSha256: sha, codeVersion: 'bench', workflowId: `bench-${name}`, runId: `bench-${name}`,
      requestedBy: 'bench',
    });
    await registry.moveAlias({ modelName: name, alias: 'production', version: 1, actor: 'bench' });
  }
  await registry.close();

  const logDir = join(dataDir, 'logs');
  const env = { MLOPS_DEV_MODE: 'true', ...process.env, MLOPS_DATA_DIR: dataDir, MLOPS_SERVER_PORT: String(PORTS.mlops), MLOPS_LOG_LEVEL: 'warn' };
  const processes: ManagedProcess[] = [];
  try {
    processes.push(startProcess('mlops-server', join(root, 'dist/src/serving/main.js'), env, logDir));
    processes.push(startProcess('noop-server', join(root, 'dist/bench/serving-noop.js'), env, logDir, [String(PORTS.noop)]));
    await Promise.all([waitForHttp(`http://127.0.0.1:${PORTS.mlops}/readyz`), waitForHttp(`http://127.0.0.1:${PORTS.noop}/healthz`)]);
    const body = { instance: featureRows()[1] };
    const url = (port: number, model: string): string => `http://127.0.0.1:${port}/v1/models/${model}/predict`;
    say(`ONNX serving benchmark: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per run (after a 2 s warm-up), 1 row`);
    const r = {
      noop: await measure('fastify no-op (ceiling)', url(PORTS.noop, 'x'), body),
      builtin: await measure('built-in softmax regression (JSON artifact)', url(PORTS.mlops, 'weather-builtin'), body),
      logreg: await measure('ONNX: sklearn LogisticRegression', url(PORTS.mlops, 'weather-onnx-logreg'), body),
      hgb: await measure('ONNX: sklearn HistGradientBoosting (100 iters)', url(PORTS.mlops, 'weather-onnx-hgb'), body),
    };
    const ratio = (a: number, b: number): string => (a / b).toFixed(2);
    say('\nratios (req/s; p99)');
    for (const k of ['logreg', 'hgb'] as const) {
      say(`  ${k} ONNX / built-in: ${ratio(r[k].reqPerSec, r.builtin.reqPerSec)}×; ${ratio(r[k].p99Ms, r.builtin.p99Ms)}×`);
      say(`  ${k} ONNX / no-op ceiling: ${ratio(r[k].reqPerSec, r.noop.reqPerSec)}×`);
    }
    say(`  built-in / no-op ceiling: ${ratio(r.builtin.reqPerSec, r.noop.reqPerSec)}×`);
    const out = join(root, 'bench/results');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, `serving-onnx-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(r, null, 2));
  } finally {
    for (const p of processes.reverse()) await p.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ONNX serving benchmark failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
