/**
 * Scale benchmark (issue 13), against a dedicated dev server, with the worker and the model server as real
 * processes (the worker loads the prebuilt bundle):
 *   throughput N — N lifecycles of a small spec started at once, each approved through the `decide` Update as
 *                  soon as it waits, direct deployment: lifecycles/s and p50/p95 end to end, against N bare
 *                  workflows with one no-op activity on the same server, same run; then where the time went.
 *   parked N     — N lifecycles parked at the approval gate: worker RSS and CPU while idle, a worker restart's
 *                  time to "worker started", and the latency of approving a sample (Update round trip) after it.
 * Usage: bash bench/scale.sh throughput 100 | parked 1000     (a benchmark: it asserts nothing)
 *
 * Where the CPU goes (throughput): both phases print the CPU per workflow of each process — dev server (with its
 * children), worker, model server, this process (client, approver, the bare phase's in-process worker) — read
 * from /proc, because on 2 shared cores the ratio is set by CPU per workflow, not by any one step's latency.
 * To profile the worker: BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (it is stopped with
 * SIGTERM so the profile is written; two files: the main thread, and the workflow thread).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { startLifecycle } from '../src/client';
import { modelSpecSchema, parseConfig } from '../src/domain';
import { decideUpdate } from '../src/workflows/messages';
import { quantile } from './history-gaps';
import { CpuMeter, devServerPid } from './process-cpu';

const ROOT = resolve(__dirname, '..', '..');
const [mode = 'throughput', nArg = '100'] = process.argv.slice(2);
const N = Number(nArg);
const address = process.env['TEMPORAL_ADDRESS'] ?? '127.0.0.1:7277';
const say = (s: string) => process.stdout.write(`${s}\n`);

function startProcess(
  entry: string,
  env: Record<string, string>,
  ready: string,
  nodeArgs: readonly string[] = [],
): Promise<{ child: ChildProcess; ms: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist', entry)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolveStart, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes(ready)) resolveStart({ child, ms: performance.now() - t0 });
      if (out.length > 100_000) out = out.slice(-10_000);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      if (!out.includes(ready)) reject(new Error(`${entry} exited ${code}:\n${out.slice(-2000)}`));
    });
  });
}

/** RSS (MB) and CPU seconds of a process, from /proc. */
function usage(pid: number): { rssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(stat[11] ?? 0) + Number(stat[12] ?? 0);
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / 100 };
}

/** SIGTERM, so a worker run under `--cpu-prof` (BENCH_WORKER_NODE_ARGS) writes its profile; SIGKILL after 20 s. */
function stopGracefully(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}

const pct = (v: number[]) => `p50 ${quantile(v, 0.5).toFixed(0)} ms, p95 ${quantile(v, 0.95).toFixed(0)} ms, p99 ${quantile(v, 0.99).toFixed(0)} ms`;

async function main(): Promise<void> {
  const benchStarted = performance.now();
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dataDir = mkdtempSync(join(tmpdir(), 'mlops-bench-scale-'));
  mkdirSync(join(dataDir, 'datasets'));
  const weather = readFileSync(join(ROOT, 'node_modules/vega-datasets/data/weather.csv'), 'utf8').split('\n');
  const dataset = join(dataDir, 'datasets', 'tiny-weather.csv');
  writeFileSync(dataset, weather.slice(0, 301).join('\n')); // header + 300 days: a cheap spec
  const port = 8790 + Math.floor(Math.random() * 100);
  const env: Record<string, string> = {
    TEMPORAL_ADDRESS: address,
    MLOPS_DATA_DIR: dataDir,
    MLOPS_TASK_QUEUE: `scale-${Date.now()}`,
    MLOPS_DEV_MODE: 'true',
    MLOPS_SERVER_PORT: String(port),
    MLOPS_LOG_LEVEL: 'warn',
    MLOPS_PREDICTION_FLUSH_MS: '60000',
    ...(process.env['MLOPS_WORKER_MAX_CACHED_WORKFLOWS'] ? { MLOPS_WORKER_MAX_CACHED_WORKFLOWS: process.env['MLOPS_WORKER_MAX_CACHED_WORKFLOWS'] } : {}),
    ...(process.env['MLOPS_WORKER_MAX_ACTIVITIES'] ? { MLOPS_WORKER_MAX_ACTIVITIES: process.env['MLOPS_WORKER_MAX_ACTIVITIES'] } : {}),
  };
  const config = parseConfig(env);
  const server = await startProcess('src/serving/main.js', { ...env, MLOPS_LOG_LEVEL: 'info' }, 'model server listening');
  // BENCH_WORKER_NODE_ARGS go to the worker's node alone, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
  const workerNodeArgs = (process.env['BENCH_WORKER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const workerEnv = { ...env, MLOPS_LOG_LEVEL: 'info' };
  let worker = await startProcess('src/workers/main.js', workerEnv, 'worker started', workerNodeArgs);
  const client = new Client({ connection: await Connection.connect({ address }) });
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
  const approve = (workflowId: string) =>
    client.workflow.getHandle(workflowId).executeUpdate(decideUpdate, { args: [{ decision: 'approve', approver: 'bench' }] });
  /** Approves each run as soon as visibility shows it waiting at the gate; resolves when all `ids` are approved. */
  const approveWhenWaiting = async (ids: Set<string>, only?: Set<string>) => {
    const approved = new Set<string>();
    while (approved.size < (only?.size ?? ids.size)) {
      const waiting: string[] = [];
      for await (const w of client.workflow.list({ query: `TaskQueue = '${config.temporal.taskQueue}' AND MlopsStage = 'awaiting-approval' AND ExecutionStatus = 'Running'` })) {
        if (ids.has(w.workflowId) && !approved.has(w.workflowId) && (!only || only.has(w.workflowId))) waiting.push(w.workflowId);
      }
      for (let i = 0; i < waiting.length; i += 50) {
        await Promise.all(waiting.slice(i, i + 50).map(async (id) => {
          await approve(id).catch(() => undefined); // a refusal (already decided) is fine
          approved.add(id);
        }));
      }
      // Once a second: each listing is a visibility query over all N runs on the dev server's SQLite, CPU the
      // lifecycles under test would otherwise lose to the harness (every 250 ms it was a visible share at N=100).
      if (approved.size < (only?.size ?? ids.size)) await new Promise((r) => setTimeout(r, 1000));
    }
  };

  try {
    if (mode === 'throughput') {
      // Baseline: a bare workflow with one no-op activity, an in-process worker on its own queue.
      const bareQueue = `${config.temporal.taskQueue}-bare`;
      const bareWorker = await Worker.create({
        connection: await NativeConnection.connect({ address }),
        taskQueue: bareQueue,
        workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./bench-workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never }),
        activities: { noop: async (step: number) => step },
      });
      const bareRunning = bareWorker.run();
      // CPU per workflow of each process (the bench process runs the client, the approvals and the bare worker).
      const meter = new CpuMeter({
        'dev server': { pid: devServerPid(ROOT, address), tree: true },
        worker: { pid: worker.child.pid },
        'model server': { pid: server.child.pid },
        'bench (client)': { pid: process.pid },
      });
      let cpuBefore = meter.snapshot();
      const bare: number[] = [];
      let t0 = performance.now();
      await Promise.all(Array.from({ length: N }, async (_, i) => {
        const s = performance.now();
        const h = await client.workflow.start('noopOnceWorkflow', { taskQueue: bareQueue, workflowId: `bare-${Date.now()}-${i}`, args: [] });
        await h.result();
        bare.push(performance.now() - s);
      }));
      const bareRate = N / ((performance.now() - t0) / 1000);
      const bareCpu = meter.perUnit(cpuBefore, N);
      bareWorker.shutdown();
      await bareRunning;

      const ends: number[] = [];
      const ids = new Set<string>();
      cpuBefore = meter.snapshot();
      t0 = performance.now();
      const handles = await Promise.all(Array.from({ length: N }, async (_, i) => {
        const started = await startLifecycle(client, config, { spec: spec(`scale-${i}`), requestedBy: 'bench' });
        ids.add(started.workflowId);
        return { ...started, at: performance.now() };
      }));
      const approving = approveWhenWaiting(ids);
      await Promise.all(handles.map(async (h) => {
        await h.handle.result();
        ends.push(performance.now() - h.at);
      }));
      await approving;
      const rate = N / ((performance.now() - t0) / 1000);
      const lifecycleCpu = meter.perUnit(cpuBefore, N);
      say(`throughput, N=${N} started at once, server ${address}, worker max activities ${config.worker.maxConcurrentActivities}`);
      say(`  bare workflow + 1 no-op activity: ${bareRate.toFixed(1)} workflows/s; end to end ${pct(bare)}`);
      say(`  lifecycle (7 activities, Update approval, direct deployment child): ${rate.toFixed(1)} lifecycles/s; end to end ${pct(ends)}`);
      say(`  ratio lifecycles/s ÷ bare workflows/s: ${(rate / bareRate).toFixed(3)}`);
      say(`  CPU per bare workflow (ms, user + system): ${bareCpu}`);
      say(`  CPU per lifecycle (ms, user + system):     ${lifecycleCpu}`);
      // Where the time went: per activity type, queue wait (scheduled → started) and execution (started → completed).
      const byType = new Map<string, { wait: number[]; run: number[] }>();
      const ms = (t: unknown) => {
        const ts = t as { seconds?: { toNumber(): number } | number; nanos?: number };
        return (typeof ts.seconds === 'number' ? ts.seconds : (ts.seconds?.toNumber() ?? 0)) * 1000 + (ts.nanos ?? 0) / 1e6;
      };
      for (const h of handles.slice(0, 20)) {
        const events = (await h.handle.fetchHistory()).events ?? [];
        const scheduled = new Map<string, { type: string; at: number; startedAt?: number }>();
        for (const e of events) {
          if (e.activityTaskScheduledEventAttributes) scheduled.set(String(e.eventId), { type: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?', at: ms(e.eventTime) });
          const started = e.activityTaskStartedEventAttributes;
          if (started) { const s = scheduled.get(String(started.scheduledEventId)); if (s) s.startedAt = ms(e.eventTime); }
          const done = e.activityTaskCompletedEventAttributes;
          if (done) {
            const s = scheduled.get(String(done.scheduledEventId));
            if (s?.startedAt !== undefined) {
              const entry = byType.get(s.type) ?? { wait: [], run: [] };
              entry.wait.push(s.startedAt - s.at);
              entry.run.push(ms(e.eventTime) - s.startedAt);
              byType.set(s.type, entry);
            }
          }
        }
      }
      say('  where the time went (first 20 runs, median per activity): queue wait | execution');
      for (const [type, v] of byType) say(`    ${type.padEnd(26)} ${quantile(v.wait, 0.5).toFixed(0).padStart(6)} ms | ${quantile(v.run, 0.5).toFixed(0).padStart(6)} ms`);
      say(`  whole benchmark (both phases, processes, history reads): ${((performance.now() - benchStarted) / 60_000).toFixed(1)} min`);
    } else {
      const ids = new Set<string>();
      const t0 = performance.now();
      for (let i = 0; i < N; i += 100) {
        await Promise.all(Array.from({ length: Math.min(100, N - i) }, async (_, k) => {
          const started = await startLifecycle(client, config, { spec: spec(`parked-${i + k}`), requestedBy: 'bench' });
          ids.add(started.workflowId);
        }));
      }
      const countWaiting = async () => (await client.workflow.count(`TaskQueue = '${config.temporal.taskQueue}' AND MlopsStage = 'awaiting-approval' AND ExecutionStatus = 'Running'`)).count;
      for (let waiting = 0; waiting < N; waiting = await countWaiting()) await new Promise((r) => setTimeout(r, 1000));
      say(`parked, N=${N}: all waiting at the gate after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      await new Promise((r) => setTimeout(r, 5000));
      const before = usage(worker.child.pid as number);
      await new Promise((r) => setTimeout(r, 10_000));
      const after = usage(worker.child.pid as number);
      say(`  worker idle over 10 s: CPU ${(((after.cpuSeconds - before.cpuSeconds) / 10) * 100).toFixed(1)} %, RSS ${after.rssMb.toFixed(0)} MB (cache ${config.worker.maxCachedWorkflows ?? 'SDK default'})`);
      worker.child.kill('SIGKILL');
      worker = await startProcess('src/workers/main.js', workerEnv, 'worker started', workerNodeArgs);
      say(`  worker restart with ${N} open runs: "worker started" after ${worker.ms.toFixed(0)} ms`);
      const sample = [...ids].slice(0, Math.min(100, N));
      const latencies: number[] = [];
      for (const id of sample) {
        const s = performance.now();
        await approve(id);
        latencies.push(performance.now() - s);
      }
      say(`  approval → decision recorded (Update round trip) for ${sample.length} runs after the restart: ${pct(latencies)}`);
      const rest = usage(worker.child.pid as number);
      say(`  worker RSS after those approvals: ${rest.rssMb.toFixed(0)} MB`);
    }
  } finally {
    await stopGracefully(worker.child);
    server.child.kill('SIGKILL');
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
