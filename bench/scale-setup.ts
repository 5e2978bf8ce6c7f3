/**
 * What both halves of the scale benchmark share: the worker and model server as real processes, their /proc
 * usage, the tiny dataset and the cheap spec, one env for all processes of a run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { modelSpecSchema, parseConfig } from '../src/domain';
import { quantile } from './history-gaps';

export const ROOT = resolve(__dirname, '..', '..');
export const say = (s: string) => process.stdout.write(`${s}\n`);
export const pct = (v: number[]) => `p50 ${quantile(v, 0.5).toFixed(0)} ms, p95 ${quantile(v, 0.95).toFixed(0)} ms, p99 ${quantile(v, 0.99).toFixed(0)} ms`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A compiled entry point (`src/serving/main.js`) as a node process, resolved once its output says `ready`. */
export function startProcess(entry: string, env: Record<string, string>, ready: string, nodeArgs: string[] = []): Promise<{ child: ChildProcess; ms: number }> {
  return spawnUntilReady(process.execPath, [...nodeArgs, join(ROOT, 'dist', entry)], entry, env, ready);
}

/**
 * The worker as `npm run worker` starts it (scripts/worker.sh: heap cap, malloc arenas; it execs node, so the pid
 * is the worker's own). `nodeArgs` come after the script's flags and win over them.
 */
export async function startWorker(env: Record<string, string>, nodeArgs: string[] = []): Promise<{ child: ChildProcess; ms: number; heapLimitMb: number }> {
  const started = await spawnUntilReady('bash', [join(ROOT, 'scripts/worker.sh'), ...nodeArgs], 'worker', env, 'worker started');
  // What the worker says it got (its "worker started" line), not what the bench believes the launcher gives.
  return { ...started, heapLimitMb: Number(/"heapLimitMb":(\d+)/.exec(started.output)?.[1] ?? NaN) };
}

function spawnUntilReady(command: string, args: string[], entry: string, env: Record<string, string>, ready: string): Promise<{ child: ChildProcess; ms: number; output: string }> {
  const t0 = performance.now();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolveStart, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes(ready)) resolveStart({ child, ms: performance.now() - t0, output: out });
      if (out.length > 100_000) out = out.slice(-10_000);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      if (!out.includes(ready)) reject(new Error(`${entry} exited ${code}:\n${out.slice(-2000)}`));
      else if (signal !== 'SIGKILL') process.stderr.write(`${entry} exited ${code ?? signal}:\n${out.slice(-3000)}\n`);
    });
  });
}

/** RSS (MB) and CPU seconds of one process (not its children), from /proc. */
export function usage(pid: number): { rssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(stat[11] ?? 0) + Number(stat[12] ?? 0);
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / 100 };
}

/** A fresh data dir with the tiny dataset (300 days of weather), the env of every process, the cheap spec. */
export function benchSetup(address: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mlops-bench-scale-'));
  mkdirSync(join(dataDir, 'datasets'));
  const weather = readFileSync(join(ROOT, 'node_modules/vega-datasets/data/weather.csv'), 'utf8').split('\n');
  const dataset = join(dataDir, 'datasets', 'tiny-weather.csv');
  writeFileSync(dataset, weather.slice(0, 301).join('\n')); // header + 300 days: a cheap spec
  const port = 8790 + Math.floor(Math.random() * 100);
  const passed = ['MLOPS_WORKER_MAX_CACHED_WORKFLOWS', 'MLOPS_WORKER_MAX_ACTIVITIES'].filter((k) => process.env[k]);
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: address,
    MLOPS_DATA_DIR: dataDir,
    MLOPS_TASK_QUEUE: `scale-${Date.now()}`,
    MLOPS_DEV_MODE: 'true',
    MLOPS_SERVER_PORT: String(port),
    MLOPS_LOG_LEVEL: 'warn',
    MLOPS_PREDICTION_FLUSH_MS: '60000',
    ...Object.fromEntries(passed.map((k) => [k, process.env[k] as string])),
  };
  const config = parseConfig(env);
  const spec = (name: string) =>
    modelSpecSchema.parse({
      name,
      dataset: { path: dataset, format: 'csv' },
      target: { name: 'weather' },
      features: [
        { name: 'precipitation', type: 'numeric' },
        { name: 'temp_max', type: 'numeric' },
        { name: 'wind', type: 'numeric' },
      ],
      minRows: 100,
      thresholds: {},
    });
  return { dataDir, env, config, spec };
}
