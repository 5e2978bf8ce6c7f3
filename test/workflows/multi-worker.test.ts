import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import type { temporal } from '@temporalio/proto';
import { sendDecision, startLifecycle, waitForStage, type StartedLifecycle } from '../../src/client';
import { modelSpecSchema, stages } from '../../src/domain';
import { pollUntil } from '../../src/client/poll';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { spawnCompiled, waitForOutput } from '../support/processes';
import { duplicateReport } from '../../bench/chaos-report';

/**
 * Workers beyond one process: 2 control workers and 1 training worker, each a separate process on the real
 * dev server, sharing the registry. One control worker is SIGKILLed once it has worked on the runs; every run
 * still completes through approval and deployment, and nothing is stored twice.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack('multi-worker');
});
afterAll(async () => stack?.close());

type Worker = ReturnType<typeof spawnCompiled>;
type Events = temporal.api.history.v1.IHistoryEvent[];
/** The SDK's default worker identity: `<pid>@<hostname>`. */
const identityOf = (p: Worker): string => `${p.child.pid}@${hostname()}`;
const identities = (events: Events): Set<string> =>
  new Set(events.flatMap((e) => {
    const id = e.workflowTaskCompletedEventAttributes?.identity ?? e.activityTaskStartedEventAttributes?.identity;
    return id ? [id] : [];
  }));

test('2 control workers + 1 training worker; a control worker SIGKILLed mid-run: all runs deploy, nothing duplicated', async () => {
  const spawnWorker = (role: string) => spawnCompiled('src/workers/main.js', [], { ...stack.env, MLOPS_WORKER_ROLE: role });
  const [controlA, controlB, trainer] = [spawnWorker('control'), spawnWorker('control'), spawnWorker('training')] as [Worker, Worker, Worker];
  const all = [controlA, controlB, trainer];
  try {
    await Promise.all(all.map((p) => waitForOutput(p, 'worker started')));
    expect(trainer.output()).toMatch(/"role":"training","taskQueues":\["[^"]+-builtin-training"\]/);
    expect(controlA.output()).toMatch(new RegExp(`"role":"control","taskQueues":\\["${stack.config.temporal.taskQueue}"\\]`));

    const models = ['weather-multi-a', 'weather-multi-b', 'weather-multi-c', 'weather-multi-d'];
    const runs: StartedLifecycle[] = [];
    for (const name of models) {
      const spec = modelSpecSchema.parse(weatherSpec({ name }));
      runs.push(await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'multi-worker-test' }));
    }
    // Kill worker A as soon as it has done work for some run (no run can finish yet: none is approved).
    const historyOf = async (run: StartedLifecycle): Promise<Events> => (await run.handle.fetchHistory()).events ?? [];
    const killedId = identityOf(controlA);
    const touchedByA = async (): Promise<boolean> => {
      for (const run of runs) if (identities(await historyOf(run)).has(killedId)) return true;
      return false;
    };
    await pollUntil(touchedByA, Boolean, { timeoutMs: 120_000, intervalMs: 200, timeoutMessage: () => 'worker A never worked on a run' });
    const stagesAtKill = await Promise.all(runs.map(async (r) => (await waitForStage(stack.client, r.workflowId, [...stages])).stage));
    controlA.child.kill('SIGKILL');
    await controlA.exited;
    process.stdout.write(`control worker A SIGKILLed with the runs at: ${stagesAtKill.join(', ')}\n`);

    for (const run of runs) {
      await waitForStage(stack.client, run.workflowId, ['awaiting-approval'], 240_000);
      await sendDecision(stack.client, run.workflowId, 'approve', { approver: 'alice' });
    }
    for (const run of runs) expect(await run.handle.result()).toMatchObject({ outcome: 'deployed', version: 1 });

    // Who did what: training and evaluation only on the training worker; B finished every run.
    let runsTouchedByA = 0;
    for (const run of runs) {
      const events = await historyOf(run);
      if (identities(events).has(killedId)) runsTouchedByA++;
      const started = new Map<string, string>();
      for (const e of events) {
        const s = e.activityTaskScheduledEventAttributes;
        if (s?.activityType?.name) started.set(String(e.eventId), s.activityType.name);
      }
      for (const e of events) {
        const a = e.activityTaskStartedEventAttributes;
        const type = started.get(String(a?.scheduledEventId));
        if (a && (type === 'trainCandidate' || type === 'evaluateCandidate')) expect([type, a.identity]).toEqual([type, identityOf(trainer)]);
        if (a && type && type !== 'trainCandidate' && type !== 'evaluateCandidate') expect(a.identity).not.toBe(identityOf(trainer));
      }
      expect(identities(events).has(identityOf(controlB))).toBe(true);
    }
    expect(runsTouchedByA).toBeGreaterThan(0);

    // Exactly once: one version per run, one decision, one release, one promotion, each audit event once.
    const db = new Database(stack.config.registryPath, { readonly: true });
    try {
      expect(duplicateReport(db)).toEqual({ versions: [], decisions: [], auditedDecisions: [], deployments: [], promotions: [], approvedUndeployed: [] });
      for (const name of models) expect(await stack.registry.listVersions(name)).toHaveLength(1);
      const counts = db
        .prepare(`SELECT workflow_id AS workflowId, kind, count(*) AS n FROM audit_events WHERE workflow_id IN (${runs.map(() => '?').join(',')}) GROUP BY 1, 2`)
        .all(...runs.map((r) => r.workflowId)) as { workflowId: string; kind: string; n: number }[];
      for (const run of runs) {
        const mine = Object.fromEntries(counts.filter((c) => c.workflowId === run.workflowId).map((c) => [c.kind, c.n]));
        expect(mine).toMatchObject({ 'lifecycle.requested': 1, 'machine-gate.blessed': 1, 'decision.accepted': 1, 'model.deployed': 1 });
      }
      const releases = db.prepare(`SELECT model_name, count(*) AS n FROM deployments WHERE kind = 'release' GROUP BY 1`).all();
      expect(releases).toHaveLength(models.length);
    } finally {
      db.close();
    }
  } finally {
    for (const p of all) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited;
    }
  }
}, 600_000);
