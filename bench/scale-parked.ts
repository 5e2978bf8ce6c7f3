/**
 * Parked approvals (issue 13): N lifecycles parked at the approval gate, then the worker's idle CPU, RSS and V8
 * heap (its own process only), the parked run's history (events, bytes), the replay time of one parked run,
 * approvals of a sample with the cache as it is, a worker restart (SIGKILL) with N open runs, and approvals of
 * another sample after it (every run evicted: each approval replays its run).
 * Parking is paced: at most BENCH_PARK_WINDOW runs (default 24) are between start and the gate at once, so the
 * worker is never flooded and the bench holds ids (strings), never handles or results.
 * Env: MLOPS_WORKER_MAX_CACHED_WORKFLOWS (worker cache), BENCH_PARK_WINDOW, BENCH_IDLE_SECONDS (default 20),
 * BENCH_SAMPLE (approvals per sample, default 100), BENCH_QUERY_SAMPLE (runs queried after the restart, default
 * 1,000: every run would take longer than the parking at N=10,000), BENCH_WORKER_NODE_ARGS (flags for the worker's
 * node). Each phase prints how long it took.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { startLifecycle } from '../src/client';
import { defaultBundlePath } from '../src/workers/workflow-bundle';
import { decideUpdate, statusQuery } from '../src/workflows/messages';
import { stageAttribute } from '../src/workflows/search-attributes';
import { CpuMeter, devServerPid, machineCpuSeconds } from './process-cpu';
import { benchSetup, pct, ROOT, say, sleep, startProcess, startWorker, usage } from './scale-setup';

const envNumber = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

/** V8 heap of a worker started with `--report-on-signal`: asks for a diagnostic report and reads it. */
async function heapOf(pid: number, reportDir: string): Promise<{ usedMb: number; totalMb: number }> {
  const before = new Set(readdirSync(reportDir));
  process.kill(pid, 'SIGWINCH'); // not SIGUSR2: the Temporal Runtime shuts the worker down on it
  for (let i = 0; i < 200; i++) {
    const fresh = readdirSync(reportDir).find((f) => !before.has(f));
    if (fresh) {
      await sleep(200); // let the report finish writing
      const report = JSON.parse(readFileSync(join(reportDir, fresh), 'utf8')) as { javascriptHeap: { usedMemory: number; totalMemory: number } };
      return { usedMb: report.javascriptHeap.usedMemory / 2 ** 20, totalMb: report.javascriptHeap.totalMemory / 2 ** 20 };
    }
    await sleep(100);
  }
  return { usedMb: NaN, totalMb: NaN };
}

/** Events and encoded bytes of a history, per event type, largest first. */
function historySize(history: temporal.api.history.v1.IHistory) {
  const byType = new Map<string, { count: number; bytes: number }>();
  for (const e of history.events ?? []) {
    const type = temporal.api.enums.v1.EventType[e.eventType ?? 0] ?? String(e.eventType);
    const entry = byType.get(type) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += temporal.api.history.v1.HistoryEvent.encode(e).finish().length;
    byType.set(type, entry);
  }
  const bytes = temporal.api.history.v1.History.encode(history).finish().length;
  return { events: history.events?.length ?? 0, bytes, byType: [...byType].sort((a, b) => b[1].bytes - a[1].bytes) };
}

export async function runParked(address: string, N: number): Promise<void> {
  const { env, config, spec } = benchSetup(address);
  const window = envNumber('BENCH_PARK_WINDOW', 24);
  const idleSeconds = envNumber('BENCH_IDLE_SECONDS', 20);
  const sampleSize = Math.min(envNumber('BENCH_SAMPLE', 100), Math.floor(N / 2));
  const querySample = envNumber('BENCH_QUERY_SAMPLE', 1000);
  let phaseStart = performance.now();
  /** Seconds since the previous phase ended, for the phase's line: where a long bench spends its time. */
  const phase = () => {
    const seconds = (performance.now() - phaseStart) / 1000;
    phaseStart = performance.now();
    return `[${seconds.toFixed(0)} s]`;
  };
  const reportDir = mkdtempSync(join(tmpdir(), 'mlops-bench-reports-'));
  // The worker starts as `npm run worker` starts it; BENCH_WORKER_NODE_ARGS go to its node, e.g. `--cpu-prof`.
  const extraArgs = (process.env['BENCH_WORKER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const workerArgs = [...extraArgs, '--report-on-signal', '--report-signal=SIGWINCH', `--report-directory=${reportDir}`, '--report-compact'];
  const server = await startProcess('src/serving/main.js', { ...env, MLOPS_LOG_LEVEL: 'info' }, 'model server listening');
  let restarting = false;
  /** A worker that ends without being told (crash, a kill from outside) ends the bench with what happened. */
  const startWatchedWorker = async () => {
    const started = await startWorker({ ...env, MLOPS_LOG_LEVEL: 'info' }, workerArgs);
    started.child.once('exit', (code, signal) => {
      if (restarting) return;
      say(`the worker (pid ${started.child.pid}) ended unexpectedly: ${code ?? signal}`);
      server.child.kill('SIGKILL'); // no orphan model server
      process.exit(1);
    });
    return started;
  };
  let worker = await startWatchedWorker();
  const client = new Client({ connection: await Connection.connect({ address }) });
  const approve = (workflowId: string) =>
    client.workflow.getHandle(workflowId).executeUpdate(decideUpdate, { args: [{ decision: 'approve', approver: 'bench' }] });
  const approveAll = async (ids: string[]) => {
    const latencies: number[] = [];
    for (const id of ids) {
      const s = performance.now();
      await approve(id);
      latencies.push(performance.now() - s);
    }
    return latencies;
  };
  const cache = config.worker.maxCachedWorkflows;

  try {
    // Park N runs, at most `window` of them between start and the gate at any time.
    const ids: string[] = [];
    phase();
    const meter = new CpuMeter({
      'dev server': { pid: devServerPid(ROOT, address), tree: true },
      worker: { pid: worker.child.pid },
      'bench (client)': { pid: process.pid },
    });
    const cpuBefore = meter.snapshot();
    const machineBefore = machineCpuSeconds();
    const t0 = performance.now();
    // Which runs reached the gate: a describe of each run still on its way (≤ window point reads), not a
    // visibility count over all N runs, whose cost on the dev server grows with N and would be billed to parking.
    const onTheirWay = new Set<string>();
    let parked = 0;
    let lastReport = t0;
    while (parked < N) {
      const starting = Math.min(window - onTheirWay.size, N - ids.length);
      const first = ids.length;
      const started = await Promise.all(Array.from({ length: Math.max(0, starting) }, (_, k) =>
        startLifecycle(client, config, { spec: spec(`parked-${first + k}`), requestedBy: 'bench' })));
      for (const { workflowId } of started) {
        ids.push(workflowId);
        onTheirWay.add(workflowId);
      }
      await sleep(500);
      await Promise.all([...onTheirWay].map(async (id) => {
        const run = await client.workflow.getHandle(id).describe();
        if (run.status.name !== 'RUNNING') throw new Error(`${id} ended before the gate: ${run.status.name}`);
        if (run.typedSearchAttributes.get(stageAttribute) === 'awaiting-approval') {
          onTheirWay.delete(id);
          parked += 1;
        }
      }));
      if (performance.now() - lastReport > 30_000) {
        lastReport = performance.now();
        say(`  … ${parked} parked after ${((lastReport - t0) / 1000).toFixed(0)} s, worker RSS ${usage(worker.child.pid as number).rssMb.toFixed(0)} MB`);
      }
    }
    const parkSeconds = (performance.now() - t0) / 1000;
    say(`parked, N=${N}, worker cache ${cache}, heap limit ${worker.heapLimitMb} MB, window ${window}${extraArgs.length ? `, worker node ${extraArgs.join(' ')}` : ''}: all waiting at the gate after ${parkSeconds.toFixed(0)} s (${(N / parkSeconds).toFixed(1)} lifecycles/s) ${phase()}`);
    say(`  CPU per parked run (ms, user + system): ${meter.perUnit(cpuBefore, N)}; machine busy ${(((machineCpuSeconds() - machineBefore) / parkSeconds) * 100).toFixed(0)} % of one CPU`);

    // Idle: wait until the worker settles (< 1 % CPU over 2 s, at most 60 s), then measure.
    const pid = worker.child.pid as number;
    for (let i = 0, prev = usage(pid); i < 30; i++) {
      await sleep(2000);
      const now = usage(pid);
      const busy = (now.cpuSeconds - prev.cpuSeconds) / 2;
      prev = now;
      if (busy < 0.01) break;
    }
    const before = usage(pid);
    await sleep(idleSeconds * 1000);
    const after = usage(pid);
    const heap = await heapOf(pid, reportDir);
    say(`  worker idle over ${idleSeconds} s: CPU ${(((after.cpuSeconds - before.cpuSeconds) / idleSeconds) * 100).toFixed(1)} %, RSS ${after.rssMb.toFixed(0)} MB, V8 heap used ${heap.usedMb.toFixed(0)} MB of ${heap.totalMb.toFixed(0)} MB ${phase()}`);

    // One parked run's history, and the time to replay it (what an evicted run costs when it is approved).
    const history = await client.workflow.getHandle(ids[0] as string).fetchHistory();
    const size = historySize(history);
    say(`  a parked run's history: ${size.events} events, ${(size.bytes / 1024).toFixed(1)} KiB; largest: ${size.byType.slice(0, 4).map(([t, v]) => `${t.replace('EVENT_TYPE_', '').toLowerCase()} ×${v.count} ${(v.bytes / 1024).toFixed(1)} KiB`).join(', ')}`);
    // One replay worker, the same history under 41 ids: the first replay loads the bundle, the others time a replay.
    const replayIds = Array.from({ length: 41 }, (_, i) => ({ workflowId: `replay-${i}`, history }));
    const replayed: number[] = [];
    let last = performance.now();
    for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath: defaultBundlePath } }, replayIds)) {
      if (r.error) throw r.error;
      replayed.push(performance.now() - last);
      last = performance.now();
    }
    say(`  replay of that run (one replay worker, 40 times after a first that loads the bundle): ${pct(replayed.slice(1))} ${phase()}`);

    const step = Math.max(1, Math.floor(N / (2 * sampleSize)));
    const warmSample = new Set(Array.from({ length: sampleSize }, (_, k) => ids[k * 2 * step] as string));
    const coldSample = new Set(Array.from({ length: sampleSize }, (_, k) => ids[k * 2 * step + step] as string));
    say(`  approval → decision recorded (Update round trip) for ${sampleSize} runs, worker as it is: ${pct(await approveAll([...warmSample]))} ${phase()}`);

    restarting = true;
    worker.child.kill('SIGKILL');
    worker = await startWatchedWorker();
    restarting = false;
    const fresh = worker.child.pid as number;
    await sleep(3000);
    const base = usage(fresh).rssMb;
    say(`  worker restart (SIGKILL) with ${N - sampleSize} open runs: "worker started" after ${worker.ms.toFixed(0)} ms, RSS ${base.toFixed(0)} MB (no run cached yet) ${phase()}`);

    // Pull waiting runs into the fresh worker's cache with a status query each (each query replays its run): the
    // RSS it adds is the cost of cached runs alone, without the activities' native memory of the parking. An
    // evenly spread sample: at N=10,000, querying every run took longer than the rest of the bench together.
    const allWaiting = ids.filter((id) => !coldSample.has(id) && !warmSample.has(id));
    const queryStep = Math.max(1, allWaiting.length / querySample);
    const waiting = allWaiting.filter((_, i) => i % queryStep < 1);
    const queries: number[] = [];
    for (let i = 0; i < waiting.length; i += 8) {
      await Promise.all(waiting.slice(i, i + 8).map(async (id) => {
        const q = performance.now();
        await client.workflow.getHandle(id).query(statusQuery);
        queries.push(performance.now() - q);
      }));
    }
    await sleep(5000);
    const cachedNow = Math.min(waiting.length, cache);
    const filled = usage(fresh);
    const filledHeap = await heapOf(fresh, reportDir);
    say(`  status query on ${waiting.length} of the ${allWaiting.length} waiting runs (8 at a time; an uncached run replays): ${pct(queries)} ${phase()}`);
    say(`  then: RSS ${filled.rssMb.toFixed(0)} MB, V8 heap used ${filledHeap.usedMb.toFixed(0)} MB of ${filledHeap.totalMb.toFixed(0)} MB, ~${cachedNow} runs cached${waiting.length <= cache
      ? `: ${(((filled.rssMb - base) * 1024) / cachedNow).toFixed(0)} KB of RSS per cached run`
      : ' (with more runs than cache, RSS here includes the garbage of the evicted runs\' replays)'}`);
    say(`  approval → decision recorded for ${sampleSize} other runs after the restart: ${pct(await approveAll([...coldSample]))} ${phase()}`);
    say(`  worker RSS after those approvals: ${usage(fresh).rssMb.toFixed(0)} MB`);
  } finally {
    restarting = true;
    worker.child.kill('SIGKILL');
    server.child.kill('SIGKILL');
  }
  process.exit(0);
}
