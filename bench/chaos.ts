/**
 * Chaos soak (a benchmark, not a test; CI does not run it): lifecycles of distinct models and of one shared
 * model are started and approved through a Temporal client while the worker, the model server and the
 * Temporal dev server (persistent db, its own port) are SIGKILLed at random every 5–20 s and restarted.
 * Prints lifecycles started/completed, kills by kind, duplicate versions/decisions/deployments (must be 0),
 * and the longest time any run waited to recover after a kill. Usage: `npm run chaos -- [options]`
 *   --minutes <m> (10)   --concurrency <n> (3)   --seed <n> (1)   --drain-minutes <m> (5)
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { parseConfig, type AppConfig, type ModelSpecInput } from '../src/domain';
import { startLifecycle, submitDecision } from '../src/client';
import { pause } from '../src/client/poll';
import { stageAttribute } from '../src/workflows/search-attributes';
import { SupervisedProcess } from './chaos-processes';
import { duplicateReport } from './chaos-report';
import { weatherSpec } from '../test/support/specs';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const minutes = arg('minutes', 10);
const concurrency = arg('concurrency', 3);
const drainMinutes = arg('drain-minutes', 5);
let seed = arg('seed', 1);
/** Deterministic pseudo-random numbers (mulberry32), so a soak can be re-run with the same kill schedule. */
const random = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const root = resolve(__dirname, '..', '..');
const temporalCli = process.env['TEMPORAL_CLI'] ?? join(root, '.tools/venv/bin/temporal');
const temporalPort = Number(process.env['CHAOS_TEMPORAL_PORT'] ?? 7266);
// As scripts/temporal-server.sh registers them.
const searchAttributes = [
  'MlopsModel=Keyword',
  'MlopsStage=Keyword',
  'MlopsVersion=Int',
  'MlopsTrigger=Keyword',
  'MlopsVerdict=Keyword',
  'MlopsDriftShare=Double',
];

const freePort = (): Promise<number> =>
  new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

interface RunRecord {
  readonly id: string;
  readonly model: string;
  startedAt: number;
  lastProgressAt: number;
  historyLength: number;
  stage: string;
  closed?: { status: string; at: number; outcome?: string; failure?: string };
  approvals?: number;
}
type Kind = 'worker' | 'model-server' | 'temporal';
const kills: { kind: Kind; at: number; downMs: number }[] = [];
/** Per kill and run: how long the run waited, from the kill to its next history event. */
const recoveries: { run: string; kind: Kind; stage: string; waitedMs: number }[] = [];

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mlops-chaos-'));
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const serverPort = await freePort();
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    MLOPS_DATA_DIR: dataDir,
    MLOPS_TASK_QUEUE: 'mlops-chaos',
    MLOPS_DEV_MODE: 'true',
    MLOPS_SERVER_PORT: String(serverPort),
    MLOPS_DATASET_ROOTS: root,
    MLOPS_CODE_VERSION: 'chaos',
    MLOPS_LOG_LEVEL: 'warn',
  };
  const config = parseConfig(env);
  const temporalArgs = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(temporalPort), '--headless'];
  temporalArgs.push('--log-level', 'error', '--db-filename', join(dataDir, 'temporal.db'));
  temporalArgs.push('--dynamic-config-value', 'system.forceSearchAttributesCacheRefreshOnRead=true');
  for (const sa of searchAttributes) temporalArgs.push('--search-attribute', sa);
  const node = process.execPath;
  const processes: Record<Kind, SupervisedProcess> = {
    temporal: new SupervisedProcess('temporal', temporalCli, temporalArgs, env, logDir),
    worker: new SupervisedProcess('worker', node, [join(root, 'dist/src/workers/main.js')], env, logDir, 2000),
    'model-server': new SupervisedProcess('model-server', node, [join(root, 'dist/src/serving/main.js')], env, logDir),
  };
  processes.temporal.start();
  const connection = await connectWithRetry(config.temporal.address);
  const client = new Client({ connection, namespace: config.temporal.namespace });
  processes.worker.start();
  processes['model-server'].start();
  console.log(`chaos soak: ${minutes} min of kills, ${concurrency} lifecycles at a time; data and logs in ${dataDir}`);

  const runs: RunRecord[] = [];
  const started = Date.now();
  const killUntil = started + minutes * 60_000;
  const killer = (async () => {
    for (;;) {
      const wait = 5000 + random() * 15_000;
      if (Date.now() + wait > killUntil) return;
      await pause(wait);
      const kind = (['worker', 'model-server', 'temporal'] as const)[Math.floor(random() * 3)] as Kind;
      const downMs = kind === 'temporal' ? 1000 + random() * 4000 : 500 + random() * 2000;
      kills.push({ kind, at: Date.now(), downMs });
      const at = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
      console.log(`  ${at} s  SIGKILL ${kind} (down ${(downMs / 1000).toFixed(1)} s)`);
      await processes[kind].killAndRestart(downMs);
    }
  })();

  let next = 0;
  const drive = async (): Promise<void> => {
    while (Date.now() < killUntil) {
      const i = next++;
      // Every other run releases the same model (its versions queue); the rest are models of their own.
      const model = i % 2 === 0 ? 'chaos-shared' : `chaos-m${i}`;
      await driveRun(client, config, runs, model, `chaos-${i}-${model}`);
    }
  };
  const drivers = Array.from({ length: concurrency }, drive);
  await killer;
  const open = runs.filter((r) => !r.closed).length;
  console.log(`kills over; draining (up to ${drainMinutes} min) — lifecycles still open: ${open}`);
  // The drivers follow their last runs to the end; a run that never ends is reported, not waited for.
  await Promise.race([Promise.all(drivers), pause(drainMinutes * 60_000)]);

  await processes.worker.stop();
  await processes['model-server'].stop();
  await connection.close();
  await processes.temporal.stop();
  const db = new Database(join(dataDir, 'registry.db'), { readonly: true });
  const duplicates = duplicateReport(db);
  db.close();
  const summary = summarize(runs, duplicates, Date.now() - started, processes);
  writeFileSync(join(dataDir, 'chaos-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  printSummary(summary);
  process.exit(summary.ok ? 0 : 1);
}

async function connectWithRetry(address: string): Promise<Connection> {
  for (let attempt = 0; ; attempt++) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      await connection.healthService.check({});
      return connection;
    } catch (err) {
      if (attempt > 120) throw err;
      await pause(500);
    }
  }
}

/** One lifecycle: start (idempotent by id), approve through the Update with a fixed id, follow until it closes. */
async function driveRun(client: Client, config: AppConfig, runs: RunRecord[], model: string, id: string) {
  const now = Date.now();
  const run: RunRecord = { id, model, startedAt: now, lastProgressAt: now, historyLength: 0, stage: 'starting' };
  runs.push(run);
  for (;;) {
    try {
      await startLifecycle(client, config, { spec: chaosSpec(model), requestedBy: 'chaos', workflowId: id });
      break;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) break; // an earlier attempt's start went through
      await pause(500);
    }
  }
  await follow(client, run);
}

async function follow(client: Client, run: RunRecord): Promise<void> {
  const handle = client.workflow.getHandle(run.id);
  while (!run.closed) {
    const d = await handle.describe().catch(() => null);
    if (d) {
      observeProgress(run, d.historyLength, String(d.typedSearchAttributes.get(stageAttribute) ?? run.stage));
      if (d.status.name !== 'RUNNING') {
        const result = await handle.result().then(
          (r: { outcome: string }) => ({ outcome: r.outcome }),
          (e: Error & { cause?: Error }) => ({ failure: e.cause?.message ?? e.message }),
        );
        run.closed = { status: d.status.name, at: Date.now(), ...result };
        return;
      }
      if (run.stage === 'awaiting-approval' && !run.approvals) {
        // The same update id on every attempt: a retried approval counts once (Temporal dedupes it).
        const approval = { decision: 'approve' as const, approver: 'chaos-approver' };
        const answer = await Promise.race([
          submitDecision(client, run.id, approval, `approve-${run.id}`).then(
            () => 'ok',
            () => 'retry',
          ),
          pause(15_000).then(() => 'retry'),
        ]);
        if (answer === 'ok') run.approvals = (run.approvals ?? 0) + 1;
      }
    }
    await pause(500);
  }
}

function observeProgress(run: RunRecord, historyLength: number, stage: string): void {
  const now = Date.now();
  if (historyLength > run.historyLength) {
    // The first kill since the run last moved is where its wait began (later kills fall inside that wait).
    const firstKill = kills.find((k) => k.at > run.lastProgressAt && k.at <= now);
    if (firstKill) {
      recoveries.push({ run: run.id, kind: firstKill.kind, stage: run.stage, waitedMs: now - firstKill.at });
    }
    run.historyLength = historyLength;
    run.lastProgressAt = now;
  }
  run.stage = stage;
}

function chaosSpec(model: string): ModelSpecInput {
  return weatherSpec({ name: model, training: { maxIterations: 100 } });
}

function summarize(
  runs: RunRecord[],
  duplicates: ReturnType<typeof duplicateReport>,
  elapsedMs: number,
  processes: Record<Kind, SupervisedProcess>,
) {
  const closed = runs.filter((r) => r.closed);
  const outcomes: Record<string, number> = {};
  for (const r of closed) {
    const outcome = r.closed?.outcome ?? r.closed?.status ?? '?';
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  const killsByKind: Record<string, number> = { worker: 0, 'model-server': 0, temporal: 0 };
  for (const k of kills) killsByKind[k.kind] = (killsByKind[k.kind] ?? 0) + 1;
  const waits = recoveries.map((r) => r.waitedMs).sort((a, b) => a - b);
  const longest = [...recoveries].sort((a, b) => b.waitedMs - a.waitedMs)[0];
  const failures = closed
    .filter((r) => r.closed?.status !== 'COMPLETED')
    .map((r) => ({ id: r.id, failure: r.closed?.failure }));
  const completed = closed.filter((r) => r.closed?.status === 'COMPLETED').length;
  const duplicateCount = Object.values(duplicates).reduce((n, rows) => n + rows.length, 0);
  return {
    ok: duplicateCount === 0 && failures.length === 0 && closed.length === runs.length,
    minutes: elapsedMs / 60_000,
    lifecycles: { started: runs.length, completed, stillOpen: runs.length - closed.length, outcomes },
    kills: killsByKind,
    unexpectedExits: Object.fromEntries(Object.entries(processes).map(([kind, p]) => [kind, p.unexpectedExits])),
    duplicates,
    recovery: {
      measured: waits.length,
      p50Ms: waits[Math.floor(waits.length / 2)] ?? 0,
      longestMs: longest?.waitedMs ?? 0,
      longest,
    },
    failures,
    stillOpen: runs.filter((r) => !r.closed).map((r) => ({ id: r.id, stage: r.stage, history: r.historyLength })),
  };
}

function printSummary(s: ReturnType<typeof summarize>): void {
  const dupes = Object.entries(s.duplicates).map(([k, rows]) => `${k} ${rows.length}`).join(', ');
  const { lifecycles: l, kills: k, recovery: r } = s;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const where = r.longest ? ` (${r.longest.run} in ${r.longest.stage} after a ${r.longest.kind} kill)` : '';
  const failed = s.failures.map((f) => `${f.id}: ${f.failure}`).join('\n    ') || 'none';
  console.log(
    [
      `\nchaos soak summary (${s.minutes.toFixed(1)} min incl. drain)`,
      `  lifecycles started ${l.started}, completed ${l.completed}, still open ${l.stillOpen}`,
      `  outcomes ${JSON.stringify(l.outcomes)}`,
      `  kills: worker ${k['worker']}, model server ${k['model-server']}, temporal ${k['temporal']}`,
      `  unexpected exits (restarted) ${JSON.stringify(s.unexpectedExits)}`,
      `  duplicates: ${dupes}`,
      `  recovery after a kill (kill → the run's next history event, ${r.measured} waits):`,
      `    p50 ${seconds(r.p50Ms)}, longest ${seconds(r.longestMs)}${where}`,
      `  failed runs: ${failed}`,
      `  still open: ${s.stillOpen.map((o) => `${o.id} (${o.stage}, ${o.history} events)`).join(', ') || 'none'}`,
      `  ${s.ok ? 'OK' : 'NOT OK'}`,
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
