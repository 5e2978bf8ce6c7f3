/**
 * Scale benchmark (issue 13), against a dedicated dev server, with the worker and the model server as real
 * processes (the worker loads the prebuilt bundle):
 *   throughput N — N lifecycles of a small spec started at once, each approved through the `decide` Update as
 *                  soon as it waits, direct deployment: lifecycles/s and p50/p95 end to end, against two baselines
 *                  on the same server in the same run — N bare workflows with one no-op activity (the issue's),
 *                  and N workflows of the lifecycle's shape with no-op activities (`lifecycleShapeWorkflow`: what
 *                  Temporal alone charges for those commands) — then where the time went.
 *   parked N     — N lifecycles parked at the approval gate: worker RSS and CPU while idle, a worker restart's
 *                  time to "worker started", and the latency of approving a sample (Update round trip) after it.
 * Usage: bash bench/scale.sh throughput 100 | parked 1000     (a benchmark: it asserts nothing)
 *
 * Where the CPU goes (throughput): both phases print the CPU per workflow of each process — dev server (with its
 * children), worker, model server, this process (client, approver, the bare phase's in-process worker) — read
 * from /proc, because on 2 shared cores the ratio is set by CPU per workflow, not by any one step's latency.
 * To profile the worker: BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (it is stopped with
 * SIGTERM so the profile is written; two files: the main thread, and the workflow thread). The worker caches
 * max(N, 100) runs here unless MLOPS_WORKER_MAX_CACHED_WORKFLOWS says otherwise: N runs are all active at once.
 */
import type { ChildProcess } from 'node:child_process';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { startLifecycle } from '../src/client';
import { decideUpdate } from '../src/workflows/messages';
import { historyCensus } from './history-census';
import { quantile } from './history-gaps';
import { CpuMeter, devServerPid } from './process-cpu';
import { runParked } from './scale-parked';
import { DEFAULT_MAX_CACHED_WORKFLOWS, heapMbNeededForCache } from '../src/domain';
import { benchSetup, pct, ROOT, say, startProcess, startWorker } from './scale-setup';

const [mode = 'throughput', nArg = '100'] = process.argv.slice(2);
const N = Number(nArg);
const address = process.env['TEMPORAL_ADDRESS'] ?? '127.0.0.1:7277';

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

async function main(): Promise<void> {
  const benchStarted = performance.now();
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  if (mode === 'parked') return runParked(address, N);
  const { env, config, spec } = benchSetup(address);
  const server = await startProcess('src/serving/main.js', { ...env, MLOPS_LOG_LEVEL: 'info' }, 'model server listening');
  // BENCH_WORKER_NODE_ARGS go to the worker's node alone, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
  const workerNodeArgs = (process.env['BENCH_WORKER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const cache = process.env['MLOPS_WORKER_MAX_CACHED_WORKFLOWS'] ?? String(Math.max(N, 100));
  // As `npm run worker` starts it; a cache above the default (1,000 active runs) gets the heap it needs.
  const heapMb = process.env['MLOPS_WORKER_HEAP_MB'] ??
    (Number(cache) > DEFAULT_MAX_CACHED_WORKFLOWS ? String(heapMbNeededForCache(Number(cache))) : undefined);
  const workerEnv = { ...env, MLOPS_LOG_LEVEL: 'info', MLOPS_WORKER_MAX_CACHED_WORKFLOWS: cache, ...(heapMb ? { MLOPS_WORKER_HEAP_MB: heapMb } : {}) };
  const worker = await startWorker(workerEnv, workerNodeArgs);
  const client = new Client({ connection: await Connection.connect({ address }) });
  const approve = (workflowId: string) =>
    client.workflow.getHandle(workflowId).executeUpdate(decideUpdate, { args: [{ decision: 'approve', approver: 'bench' }] });
  /** Approves each run as soon as visibility shows it waiting at the gate; resolves when all `ids` are approved. */
  const approveWhenWaiting = async (ids: Set<string>, queue: string) => {
    const approved = new Set<string>();
    while (approved.size < ids.size) {
      const waiting: string[] = [];
      for await (const w of client.workflow.list({ query: `TaskQueue = '${queue}' AND MlopsStage = 'awaiting-approval' AND ExecutionStatus = 'Running'` })) {
        if (ids.has(w.workflowId) && !approved.has(w.workflowId)) waiting.push(w.workflowId);
      }
      for (let i = 0; i < waiting.length; i += 50) {
        await Promise.all(waiting.slice(i, i + 50).map(async (id) => {
          await approve(id).catch(() => undefined); // a refusal (already decided) is fine
          approved.add(id);
        }));
      }
      // Once a second: each listing is a visibility query over all N runs on the dev server's SQLite, CPU the
      // lifecycles under test would otherwise lose to the harness (every 250 ms it was a visible share at N=100).
      if (approved.size < ids.size) await new Promise((r) => setTimeout(r, 1000));
    }
  };

  try {
    if (mode === 'throughput') {
      // Baseline: a bare workflow with one no-op activity, an in-process worker on its own queue.
      const bareQueue = `${config.temporal.taskQueue}-bare`;
      const bareConnection = await NativeConnection.connect({ address });
      const activities = { noop: async (step: number) => step };
      const bareWorker = await Worker.create({
        connection: bareConnection,
        taskQueue: bareQueue,
        workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('./bench-workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never }),
        activities,
        maxCachedWorkflows: Math.max(2 * N, 100),
      });
      const shapeTrainingQueue = `${bareQueue}-training`;
      const bareTrainingWorker = await Worker.create({ connection: bareConnection, taskQueue: shapeTrainingQueue, activities });
      const bareRunning = Promise.all([bareWorker.run(), bareTrainingWorker.run()]);
      // CPU per workflow of each process (the bench process runs the client, the approvals and the bare worker).
      const meter = new CpuMeter({
        'dev server': { pid: devServerPid(ROOT, address), tree: true },
        worker: { pid: worker.child.pid },
        'model server': { pid: server.child.pid },
        'bench (client)': { pid: process.pid },
      });
      /**
       * One phase: N workflows started at once, each one's end to end time from `at` (what `startOne` returns),
       * their CPU per workflow; with `approveOn`, each is approved through the Update once it waits at the gate.
       */
      const runPhase = async <R>(startOne: (i: number) => Promise<{ handle: WorkflowHandle; at: number }>, approveOn?: string) => {
        const cpuBefore = meter.snapshot();
        const t0 = performance.now();
        const latencies: number[] = [];
        const ids = new Set<string>();
        const started = await Promise.all(Array.from({ length: N }, async (_, i) => {
          const { handle, at } = await startOne(i);
          ids.add(handle.workflowId);
          const result = (handle.result() as Promise<R>).then((r) => {
            latencies.push(performance.now() - at);
            return r;
          });
          return { handle, result };
        }));
        const approving = approveOn ? approveWhenWaiting(ids, approveOn) : undefined;
        const results = await Promise.all(started.map((s) => s.result));
        await approving;
        const rate = N / ((performance.now() - t0) / 1000);
        return { rate, latencies, cpu: meter.perUnit(cpuBefore, N), handles: started.map((s) => s.handle), results };
      };
      const bare = await runPhase(async (i) => {
        const at = performance.now();
        return { handle: await client.workflow.start('noopOnceWorkflow', { taskQueue: bareQueue, workflowId: `bare-${Date.now()}-${i}`, args: [] }), at };
      });
      // Second baseline: the lifecycle's shape (same commands, Update, child) with no-op activities.
      const shape = await runPhase(async (i) => ({
        handle: await client.workflow.start('lifecycleShapeWorkflow', { taskQueue: bareQueue, workflowId: `shape-${Date.now()}-${i}`, args: [shapeTrainingQueue] }),
        at: performance.now(),
      }), bareQueue);
      bareWorker.shutdown();
      bareTrainingWorker.shutdown();
      await bareRunning;

      const lifecycles = await runPhase<{ model: string; version?: number }>(async (i) => {
        const { handle } = await startLifecycle(client, config, { spec: spec(`scale-${i}`), requestedBy: 'bench' });
        return { handle, at: performance.now() };
      }, config.temporal.taskQueue);
      const firstResult = lifecycles.results[0];
      const handles = lifecycles.handles;
      const rate = lifecycles.rate;
      say(`throughput, N=${N} started at once, server ${address}, worker max activities ${config.worker.maxConcurrentActivities}, cache ${cache} runs, heap limit ${worker.heapLimitMb} MB`);
      say(`  bare workflow + 1 no-op activity: ${bare.rate.toFixed(1)} workflows/s; end to end ${pct(bare.latencies)}`);
      say(`  lifecycle's shape, no-op activities (same commands, Update, child): ${shape.rate.toFixed(1)} workflows/s; end to end ${pct(shape.latencies)}`);
      say(`  lifecycle (7 activities, Update approval, direct deployment child): ${rate.toFixed(1)} lifecycles/s; end to end ${pct(lifecycles.latencies)}`);
      say(`  ratio lifecycles/s ÷ bare workflows/s: ${(rate / bare.rate).toFixed(3)}; ÷ the shape's workflows/s: ${(rate / shape.rate).toFixed(3)}`);
      say(`  CPU per bare workflow (ms, user + system): ${bare.cpu}`);
      say(`  CPU per lifecycle shape (no-op):           ${shape.cpu}`);
      say(`  CPU per lifecycle (ms, user + system):     ${lifecycles.cpu}`);
      // Where the time went: per activity type, queue wait (scheduled → started) and execution (started → completed).
      const byType = new Map<string, { wait: number[]; run: number[] }>();
      const ms = (t: unknown) => {
        const ts = t as { seconds?: { toNumber(): number } | number; nanos?: number };
        return (typeof ts.seconds === 'number' ? ts.seconds : (ts.seconds?.toNumber() ?? 0)) * 1000 + (ts.nanos ?? 0) / 1e6;
      };
      for (const handle of handles.slice(0, 20)) {
        const events = (await handle.fetchHistory()).events ?? [];
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
      if (firstResult?.version !== undefined) {
        for (const line of await historyCensus(client, handles[0]!, firstResult.model, firstResult.version)) say(line);
      }
      say('  where the time went (first 20 runs, median per activity): queue wait | execution');
      for (const [type, v] of byType) say(`    ${type.padEnd(26)} ${quantile(v.wait, 0.5).toFixed(0).padStart(6)} ms | ${quantile(v.run, 0.5).toFixed(0).padStart(6)} ms`);
      say(`  whole benchmark (both phases, processes, history reads): ${((performance.now() - benchStarted) / 60_000).toFixed(1)} min`);
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
