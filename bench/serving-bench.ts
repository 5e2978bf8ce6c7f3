/**
 * Serving benchmark (not a test): the mlops model server against FastAPI + scikit-learn serving the same
 * weather features, with autocannon at concurrency 10 on loopback for a fixed duration each, plus the same
 * load across hot swaps. Prints req/s, p50, p99 and ratios; writes bench/results/serving-<time>.json.
 *   node dist/bench/serving-bench.js [--duration 10] [--swap-every-ms 500]
 */
import autocannon from 'autocannon';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ArtifactStore, openRegistry } from '../src/adapters';
import { parseConfig } from '../src/domain';
import { startProcess, waitForHttp, type ManagedProcess } from '../scripts/lib/processes';
import { tempDir } from '../test/support/paths';
import { registerTrainedVersion } from '../test/support/versions';
import { featureRows, weatherCsvPath } from '../test/support/weather-rows';

const root = resolve(__dirname, '..', '..');
const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, 'swap-every-ms': { type: 'string', default: '500' } } });
const DURATION_S = Number(values.duration);
const SWAP_EVERY_MS = Number(values['swap-every-ms']);
const CONNECTIONS = 10;
const PORTS = { mlops: 8813, fastapi: 8814, noop: 8815 } as const;
const MODEL = 'weather-bench';
const TOKEN = 'bench-admin-token';

interface Measured {
  readonly name: string;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly swaps?: number;
}

const say = (s = '') => process.stdout.write(`${s}\n`);

/** One autocannon run; latencies are collected from its response events (float ms: its histogram keeps whole ms). */
function load(url: string, body: unknown, seconds: number): Promise<{ result: autocannon.Result; latencies: number[] }> {
  const latencies: number[] = [];
  return new Promise((resolvePromise, reject) => {
    const instance = autocannon(
      { url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), connections: CONNECTIONS, duration: seconds },
      (err, result) => (err ? reject(err) : resolvePromise({ result, latencies })),
    );
    instance.on('response', (_client, _status, _bytes, ms: number) => latencies.push(ms));
  });
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

async function measure(name: string, url: string, body: unknown, during?: (stop: () => boolean) => Promise<number>): Promise<Measured> {
  await load(url, body, 2); // warm-up (JIT, connection pools), discarded
  let finished = false;
  const side = during?.(() => finished);
  const { result: r, latencies } = await load(url, body, DURATION_S);
  finished = true;
  const swaps = side ? await side : undefined;
  latencies.sort((a, b) => a - b);
  const m: Measured = {
    name,
    reqPerSec: r.requests.total / DURATION_S,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    ...(swaps !== undefined ? { swaps } : {}),
  };
  say(`  ${name.padEnd(42)} ${m.reqPerSec.toFixed(0).padStart(7)} req/s  p50 ${m.p50Ms.toFixed(2).padStart(6)} ms  p99 ${m.p99Ms.toFixed(2).padStart(6)} ms  non-2xx ${m.non2xx}  errors ${m.errors}${swaps !== undefined ? `  swaps ${swaps}` : ''}`);
  return m;
}

/** Swaps the served version back and forth through the admin API until the load ends; returns the swap count. */
async function swapLoop(stop: () => boolean): Promise<number> {
  let swaps = 0;
  let version = 1;
  while (!stop()) {
    await new Promise((r) => setTimeout(r, SWAP_EVERY_MS));
    version = version === 1 ? 2 : 1;
    const res = await fetch(`http://127.0.0.1:${PORTS.mlops}/admin/models/${MODEL}/route`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ stable: version }),
    });
    if (!res.ok) throw new Error(`swap to v${version} failed: ${res.status} ${await res.text()}`);
    swaps++;
  }
  return swaps;
}

async function main(): Promise<void> {
  const dataDir = tempDir('bench-serving');
  const config = parseConfig({ MLOPS_DATA_DIR: dataDir });
  const registry = await openRegistry(config);
  const artifacts = new ArtifactStore(config.artifactDir);
  for (const seed of [7, 8]) await registerTrainedVersion(registry, artifacts, { model: MODEL, seed, epochs: 300 });
  await registry.moveAlias({ modelName: MODEL, alias: 'production', version: 1, actor: 'bench' });
  await registry.close();

  const logDir = join(dataDir, 'logs');
  const processes: ManagedProcess[] = [];
  const env = { ...process.env, MLOPS_DATA_DIR: dataDir, MLOPS_SERVER_PORT: String(PORTS.mlops), MLOPS_ADMIN_TOKEN: TOKEN, MLOPS_LOG_LEVEL: 'warn' };
  try {
    processes.push(startProcess('mlops-server', join(root, 'dist/src/serving/main.js'), env, logDir));
    processes.push(startProcess('noop-server', join(root, 'dist/bench/serving-noop.js'), env, logDir, [String(PORTS.noop)]));
    processes.push(startProcess('fastapi-server', join(root, 'bench/serving-fastapi.py'), env, logDir, ['--csv', weatherCsvPath, '--port', String(PORTS.fastapi), '--model', MODEL], join(root, 'bench/.venv/bin/python')));
    await Promise.all([waitForHttp(`http://127.0.0.1:${PORTS.mlops}/readyz`), waitForHttp(`http://127.0.0.1:${PORTS.noop}/healthz`), waitForHttp(`http://127.0.0.1:${PORTS.fastapi}/healthz`, 60_000)]);

    const rows = featureRows();
    const single = { instance: rows[1] };
    const batch = { instances: rows.slice(0, 100) };
    const url = (port: number) => `http://127.0.0.1:${port}/v1/models/${MODEL}/predict`;
    say(`serving benchmark: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per run (after a 2 s warm-up), loopback`);
    const results = {
      noop: await measure('fastify no-op (ceiling)', url(PORTS.noop), single),
      mlopsSingle: await measure('mlops server, 1 row', url(PORTS.mlops), single),
      fastapiSingle: await measure('FastAPI + scikit-learn, 1 row', url(PORTS.fastapi), single),
      mlopsBatch: await measure('mlops server, 100 rows', url(PORTS.mlops), batch),
      fastapiBatch: await measure('FastAPI + scikit-learn, 100 rows', url(PORTS.fastapi), batch),
      mlopsSwapping: await measure(`mlops server, 1 row, swap every ${SWAP_EVERY_MS} ms`, url(PORTS.mlops), single, swapLoop),
    };
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    say('\nratios');
    say(`  mlops / FastAPI req/s, 1 row:     ${ratio(results.mlopsSingle.reqPerSec, results.fastapiSingle.reqPerSec)}×   (p99 ${ratio(results.mlopsSingle.p99Ms, results.fastapiSingle.p99Ms)}×)`);
    say(`  mlops / FastAPI rows/s, 100 rows: ${ratio(results.mlopsBatch.reqPerSec, results.fastapiBatch.reqPerSec)}×   (p99 ${ratio(results.mlopsBatch.p99Ms, results.fastapiBatch.p99Ms)}×)`);
    say(`  mlops / fastify no-op req/s:      ${ratio(results.mlopsSingle.reqPerSec, results.noop.reqPerSec)}×`);
    say(`  hot swaps / steady req/s:         ${ratio(results.mlopsSwapping.reqPerSec, results.mlopsSingle.reqPerSec)}×   (p99 ${ratio(results.mlopsSwapping.p99Ms, results.mlopsSingle.p99Ms)}×; ${results.mlopsSwapping.swaps} swaps, ${results.mlopsSwapping.non2xx} non-2xx, ${results.mlopsSwapping.errors} errors)`);
    const out = join(root, 'bench/results');
    mkdirSync(out, { recursive: true });
    const file = join(out, `serving-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), connections: CONNECTIONS, durationSeconds: DURATION_S, swapEveryMs: SWAP_EVERY_MS, results }, null, 2));
    say(`\nresults: ${file}`);
    if (results.mlopsSwapping.non2xx || results.mlopsSwapping.errors) process.exitCode = 1;
  } finally {
    for (const p of processes.reverse()) await p.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`serving benchmark failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
