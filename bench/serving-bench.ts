/**
 * Serving benchmark (not a test): the mlops model server against FastAPI + scikit-learn serving the same
 * weather features, with autocannon at concurrency 10 on loopback for a fixed duration each, plus the same
 * load across hot swaps. Prints req/s, p50, p99 and ratios; writes bench/results/serving-<time>.json.
 *   node dist/bench/serving-bench.js [--duration 10] [--swap-every-ms 500] [--skip-fastapi] [--cpu-prof-dir DIR] [--port-base 8813] [--rounds 6] [--round-seconds 2] [--busy-us 3] [--pin]
 * Servers: the model server, FastAPI, the no-op ceiling, the no-op in the model server's fastify frame, and the no-op
 * spinning a few µs per request (calibration: what a little work costs the ratio on this machine).
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ArtifactStore, openRegistry } from '../src/adapters';
import { parseConfig } from '../src/domain';
import { startProcess, waitForHttp, type ManagedProcess } from '../scripts/lib/processes';
import { tempDir } from '../test/support/paths';
import { registerTrainedVersion } from '../test/support/versions';
import { featureRows, weatherCsvPath } from '../test/support/weather-rows';
// On 2 shared cores req/s moves with whatever else runs; a server's CPU per request (/proc) much less.
import { cpuSecondsOf, machineCpuSeconds } from './process-cpu';

const root = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    'swap-every-ms': { type: 'string', default: '500' },
    // The hot-path figures (no-op ceiling, 1 row, 100 rows) without the FastAPI comparison and its Python venv.
    'skip-fastapi': { type: 'boolean', default: false },
    'cpu-prof-dir': { type: 'string' },
    // Another worktree may run this benchmark at the same time: its servers take port-base .. port-base + 4.
    'port-base': { type: 'string', default: '8813' },
    // Rounds of alternating runs for the ratios (see alternate()).
    rounds: { type: 'string', default: '6' },
    // µs the calibration no-op spins per request.
    'busy-us': { type: 'string', default: '3' },
    // Linux: servers on CPU 0, the load generator on CPU 1 (taskset).
    pin: { type: 'boolean', default: false },
    'round-seconds': { type: 'string', default: '2' },
  },
});
const WITH_FASTAPI = !values['skip-fastapi'];
const DURATION_S = Number(values.duration);
const SWAP_EVERY_MS = Number(values['swap-every-ms']);
const CONNECTIONS = 10;
const ROUNDS = Number(values.rounds);
const ROUND_S = Number(values['round-seconds']);
const BASE = Number(values['port-base']);
const PORTS = { mlops: BASE, fastapi: BASE + 1, noop: BASE + 2, framedNoop: BASE + 3, busyNoop: BASE + 4 } as const;
/** The calibration server's work per request (see serving-noop.ts). */
const BUSY_US = Number(values['busy-us']);
const PIN = values.pin;
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
  /** CPU time (user + system) the serving process spent per answered request. */
  readonly serverCpuUsPerRequest: number;
  /** The same for the server's main (event loop) thread alone: the rest is GC helpers and the log writer. */
  readonly mainThreadCpuUsPerRequest: number;
  /** All CPUs of the machine (load generator, kernel, anything else running) per answered request. */
  readonly machineCpuUsPerRequest: number;
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

const predictUrl = (port: number) => `http://127.0.0.1:${port}/v1/models/${MODEL}/predict`;
/** Process id of the server listening on each port, for its CPU time. */
const serverPids = new Map<number, number>();

async function measure(name: string, port: number, body: unknown, during?: (stop: () => boolean) => Promise<number>): Promise<Measured> {
  const url = predictUrl(port);
  const server = serverPids.get(port) as number;
  await load(url, body, 2); // warm-up (JIT, connection pools), discarded
  let finished = false;
  const side = during?.(() => finished);
  const cpuBefore = { server: cpuSecondsOf(server), main: cpuSecondsOf(server, server), machine: machineCpuSeconds() };
  const { result: r, latencies } = await load(url, body, DURATION_S);
  const perRequest = (seconds: number, before: number) => ((seconds - before) * 1e6) / r.requests.total;
  const serverCpuUsPerRequest = perRequest(cpuSecondsOf(server), cpuBefore.server);
  const mainThreadCpuUsPerRequest = perRequest(cpuSecondsOf(server, server), cpuBefore.main);
  const machineCpuUsPerRequest = perRequest(machineCpuSeconds(), cpuBefore.machine);
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
    serverCpuUsPerRequest,
    mainThreadCpuUsPerRequest,
    machineCpuUsPerRequest,
  };
  say(`  ${name.padEnd(42)} ${m.reqPerSec.toFixed(0).padStart(7)} req/s  p50 ${m.p50Ms.toFixed(2).padStart(6)} ms  p99 ${m.p99Ms.toFixed(2).padStart(6)} ms  cpu ${m.serverCpuUsPerRequest.toFixed(0).padStart(4)} µs/req (main ${m.mainThreadCpuUsPerRequest.toFixed(0)}, machine ${m.machineCpuUsPerRequest.toFixed(0)})  non-2xx ${m.non2xx}  errors ${m.errors}${swaps !== undefined ? `  swaps ${swaps}` : ''}`);
  return m;
}

/**
 * The no-op, the 1-row predict route and the two other no-ops in alternating short runs. On a machine shared
 * with other work the load drifts within seconds: a ratio to the no-op run just before, per round, and their
 * median, says more than two long runs a minute apart. The servers' CPU per request is taken from the same runs.
 */
async function alternate(body: unknown): Promise<{ ratios: Record<Contender, number[]>; median: Record<Contender, number>; cpuUs: Record<'noop' | Contender, number> }> {
  const contenders = { predict: PORTS.mlops, framed: PORTS.framedNoop, busy: PORTS.busyNoop } as const;
  const ratios: Record<Contender, number[]> = { predict: [], framed: [], busy: [] };
  const cpu: Record<'noop' | Contender, number[]> = { noop: [], predict: [], framed: [], busy: [] };
  const run = async (port: number, into: number[]) => {
    const pid = serverPids.get(port) as number;
    const before = cpuSecondsOf(pid);
    const { result } = await load(predictUrl(port), body, ROUND_S);
    into.push(((cpuSecondsOf(pid) - before) * 1e6) / result.requests.total);
    return result.requests.total;
  };
  for (let i = 0; i < ROUNDS; i++) {
    const noop = await run(PORTS.noop, cpu.noop);
    for (const [name, port] of Object.entries(contenders) as [Contender, number][]) ratios[name].push((await run(port, cpu[name])) / noop);
  }
  const median = (xs: readonly number[]) => quantile([...xs].sort((x, y) => x - y), 0.5);
  const medians = <K extends string>(r: Record<K, number[]>) => Object.fromEntries(Object.entries<number[]>(r).map(([k, xs]) => [k, median(xs)])) as Record<K, number>;
  return { ratios, median: medians(ratios), cpuUs: medians(cpu) };
}

type Contender = 'predict' | 'framed' | 'busy';

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
    // --cpu-prof-dir: the model server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
    // (V8 flags, not allowed in NODE_OPTIONS: they go before the script, which startProcess takes as first argument.)
    // Both servers are profiled (DIR/mlops, DIR/noop), so their costs per request can be compared.
    const profileDir = values['cpu-prof-dir'];
    // --pin: every server on CPU 0, this process (autocannon) on CPU 1, so the load generator and the server under
    // test stop taking turns on the same core (taskset execs node: the pid stays the server's).
    const pinned = (argv: string[]): [string, string[]] => (PIN ? ['taskset', ['-c', '0', process.execPath, ...argv]] : [process.execPath, argv]);
    if (PIN) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
    const node = (name: string, port: number, script: string, args: string[] = []) => {
      const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir, name)}`] : [];
      const [executable, [first, ...rest]] = pinned([...profiling, script, ...args]);
      const server = startProcess(`${name}-server`, first as string, env, logDir, rest, executable);
      processes.push(server);
      serverPids.set(port, server.child.pid as number);
    };
    node('mlops', PORTS.mlops, join(root, 'dist/src/serving/main.js'));
    node('noop', PORTS.noop, join(root, 'dist/bench/serving-noop.js'), [String(PORTS.noop)]);
    node('framed-noop', PORTS.framedNoop, join(root, 'dist/bench/serving-noop.js'), [String(PORTS.framedNoop), '--framed']);
    node('busy-noop', PORTS.busyNoop, join(root, 'dist/bench/serving-noop.js'), [String(PORTS.busyNoop), '--busy-us', String(BUSY_US)]);
    const fastapiArgs = ['--csv', weatherCsvPath, '--port', String(PORTS.fastapi), '--model', MODEL];
    const python = join(root, 'bench/.venv/bin/python');
    if (WITH_FASTAPI) {
      const fastapi = startProcess('fastapi-server', join(root, 'bench/serving-fastapi.py'), env, logDir, fastapiArgs, python);
      processes.push(fastapi);
      serverPids.set(PORTS.fastapi, fastapi.child.pid as number);
    }
    await Promise.all([
      waitForHttp(`http://127.0.0.1:${PORTS.mlops}/readyz`),
      waitForHttp(`http://127.0.0.1:${PORTS.noop}/healthz`),
      waitForHttp(`http://127.0.0.1:${PORTS.framedNoop}/healthz`),
      waitForHttp(`http://127.0.0.1:${PORTS.busyNoop}/healthz`),
      WITH_FASTAPI ? waitForHttp(`http://127.0.0.1:${PORTS.fastapi}/healthz`, 60_000) : null,
    ]);

    const rows = featureRows();
    const single = { instance: rows[1] };
    const batch = { instances: rows.slice(0, 100) };
    say(`serving benchmark: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per run (after a 2 s warm-up), loopback`);
    const fastapi = (rowCount: string, body: unknown) =>
      WITH_FASTAPI ? measure(`FastAPI + scikit-learn, ${rowCount}`, PORTS.fastapi, body) : Promise.resolve(null);
    const results = {
      noop: await measure('fastify no-op (ceiling)', PORTS.noop, single),
      framedNoop: await measure("no-op in the model server's frame", PORTS.framedNoop, single),
      busyNoop: await measure(`no-op spinning ${BUSY_US} µs a request`, PORTS.busyNoop, single),
      mlopsSingle: await measure('mlops server, 1 row', PORTS.mlops, single),
      fastapiSingle: await fastapi('1 row', single),
      mlopsBatch: await measure('mlops server, 100 rows', PORTS.mlops, batch),
      fastapiBatch: await fastapi('100 rows', batch),
      mlopsSwapping: await measure(`mlops server, 1 row, swap every ${SWAP_EVERY_MS} ms`, PORTS.mlops, single, swapLoop),
    };
    const paired = await alternate(single);
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    const { noop, framedNoop, busyNoop, mlopsSingle, mlopsBatch, fastapiSingle, fastapiBatch, mlopsSwapping } = results;
    say('\nhot path (issue 12 targets: 1 row >= 0.80x the no-op req/s, 100-row p99 < 20 ms)');
    say(`  no-op: ${noop.reqPerSec.toFixed(0)} req/s, p99 ${noop.p99Ms.toFixed(2)} ms`);
    say(`  predict, 1 row: ${mlopsSingle.reqPerSec.toFixed(0)} req/s, p99 ${mlopsSingle.p99Ms.toFixed(2)} ms`);
    say(`  predict / no-op req/s (same run): ${ratio(mlopsSingle.reqPerSec, noop.reqPerSec)}x`);
    const cpu = (m: Measured) => m.serverCpuUsPerRequest.toFixed(0);
    say(`  server CPU per request: predict ${cpu(mlopsSingle)} µs vs no-op ${cpu(noop)} µs (${ratio(noop.serverCpuUsPerRequest, mlopsSingle.serverCpuUsPerRequest)}x)`);
    const mainCpu = (m: Measured) => m.mainThreadCpuUsPerRequest.toFixed(0);
    say(`  where it goes (main thread CPU per request): no-op ${mainCpu(noop)} µs, the model server's frame around it ${mainCpu(framedNoop)} µs, predict ${mainCpu(mlopsSingle)} µs`);
    say(`  framed no-op / no-op req/s: ${ratio(framedNoop.reqPerSec, noop.reqPerSec)}x; predict / framed no-op: ${ratio(mlopsSingle.reqPerSec, framedNoop.reqPerSec)}x`);
    say(`  calibration: a no-op spinning ${BUSY_US} µs a request / no-op req/s: ${ratio(busyNoop.reqPerSec, noop.reqPerSec)}x (main thread ${mainCpu(busyNoop)} µs)`);
    const pairs = (c: Contender) => paired.ratios[c].map((r) => r.toFixed(2)).join(' ');
    say(`  alternating runs (${ROUNDS} rounds of ${ROUND_S} s, ratio to the no-op run just before, median):`);
    say(`    predict / no-op ${paired.median.predict.toFixed(2)}x (${pairs('predict')})`);
    say(`    framed no-op / no-op ${paired.median.framed.toFixed(2)}x (${pairs('framed')})`);
    say(`    no-op spinning ${BUSY_US} µs / no-op ${paired.median.busy.toFixed(2)}x (${pairs('busy')})`);
    const c = paired.cpuUs;
    say(`    server CPU per request: no-op ${c.noop.toFixed(0)} µs, framed ${c.framed.toFixed(0)} µs, spinning ${c.busy.toFixed(0)} µs, predict ${c.predict.toFixed(0)} µs`);
    say(`  predict, 100 rows: p99 ${mlopsBatch.p99Ms.toFixed(2)} ms (${mlopsBatch.reqPerSec.toFixed(0)} req/s)`);
    say('\nratios');
    if (fastapiSingle && fastapiBatch) {
      const perSec = ratio(mlopsSingle.reqPerSec, fastapiSingle.reqPerSec);
      const batchPerSec = ratio(mlopsBatch.reqPerSec, fastapiBatch.reqPerSec);
      say(`  mlops / FastAPI req/s, 1 row:     ${perSec}×   (p99 ${ratio(mlopsSingle.p99Ms, fastapiSingle.p99Ms)}×)`);
      say(`  mlops / FastAPI rows/s, 100 rows: ${batchPerSec}×   (p99 ${ratio(mlopsBatch.p99Ms, fastapiBatch.p99Ms)}×)`);
    }
    say(`  mlops / fastify no-op req/s:      ${ratio(mlopsSingle.reqPerSec, noop.reqPerSec)}×`);
    const swapP99 = ratio(mlopsSwapping.p99Ms, mlopsSingle.p99Ms);
    const swapCounts = `${mlopsSwapping.swaps} swaps, ${mlopsSwapping.non2xx} non-2xx, ${mlopsSwapping.errors} errors`;
    say(`  hot swaps / steady req/s:         ${ratio(mlopsSwapping.reqPerSec, mlopsSingle.reqPerSec)}×   (p99 ${swapP99}×; ${swapCounts})`);
    const out = join(root, 'bench/results');
    mkdirSync(out, { recursive: true });
    const file = join(out, `serving-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const run = { at: new Date().toISOString(), connections: CONNECTIONS, durationSeconds: DURATION_S, swapEveryMs: SWAP_EVERY_MS, pinned: PIN };
    writeFileSync(file, JSON.stringify({ ...run, results, alternatingRatios: paired.ratios, alternatingCpuUs: paired.cpuUs }, null, 2));
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
