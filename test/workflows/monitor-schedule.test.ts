import { pollUntil } from '../../src/client/poll';
import { describeMonitorSchedule, lifecycleHandle, sendDecision, waitForStage } from '../../src/client';
import { runCli } from '../../src/cli/main';
import { retrainWorkflowId, type MonitorResult } from '../../src/domain';
import { scheduledStartTimeAttribute, triggerAttribute, verdictAttribute } from '../../src/workflows/search-attributes';
import { Worker } from '@temporalio/worker';
import { startStack, workflowBundle, type TestStack } from '../support/stack';
import { deploy, labelsCsv, seattleSpec, serve, uniqueModel, weatherRows } from '../support/monitoring';

let stack: TestStack;
const savedEnv = { ...process.env };

beforeAll(async () => {
  stack = await startStack('monitor-schedule');
  await stack.startWorker();
  // The CLI reads its settings from the environment, like in a shell: point it at this stack.
  Object.assign(process.env, stack.env);
});
afterAll(async () => {
  process.env = savedEnv;
  await stack?.close();
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

test('mlops monitor: start, pause, resume, run (drift → retraining child), status, report, backfill, stop', async () => {
  const model = uniqueModel('mon-sched');
  await deploy(stack, seattleSpec(model, { window: '1h', cooldown: '0s' }));

  const started = await cli('monitor', 'start', model, '--every', '1h');
  expect(started).toMatchObject({ code: 0, err: '' });
  expect(started.out).toMatch(new RegExp(`monitoring ${model} every 1h \\(schedule monitor-${model}, overlap SKIP\\)`));
  expect(await describeMonitorSchedule(stack.client, model)).toMatchObject({ scheduleId: `monitor-${model}`, paused: false, everyMs: 3_600_000, overlap: 'SKIP' });
  expect(await cli('monitor', 'start', model, '--every', '1h')).toMatchObject({ code: 1, err: expect.stringMatching(/is already monitored/) });

  expect((await cli('monitor', 'pause', model, '--note', 'maintenance')).code).toBe(0);
  expect(await describeMonitorSchedule(stack.client, model)).toMatchObject({ paused: true, note: 'maintenance' });
  expect((await cli('monitor', 'resume', model)).code).toBe(0);
  expect((await describeMonitorSchedule(stack.client, model))?.paused).toBe(false);

  // New York days reach a Seattle model; the triggered run judges the window ending at its action time.
  const served = await serve(stack, model, await weatherRows('New York', 200));
  const labels = labelsCsv([...served.slice(0, 150), { id: 'no-such-request', row: 0, truth: 'rain' }]);
  expect(await cli('labels', labels)).toMatchObject({ code: 0, out: expect.stringMatching(/stored 150 labels .*\nskipped: 1 predictions not in the prediction log \(e\.g\. no-such-request\)/) });
  const run = await cli('monitor', 'run', model, '--wait', '--json');
  expect(run.code).toBe(0);
  const { workflowId, result } = JSON.parse(run.out) as { workflowId: string; result: MonitorResult };
  expect(result).toMatchObject({ verdict: 'drift', retrain: { action: 'started', kind: 'drift', workflowId: retrainWorkflowId(model) } });
  const monitorRun = await stack.client.workflow.getHandle(workflowId).describe();
  const scheduledAt = monitorRun.typedSearchAttributes.get(scheduledStartTimeAttribute);
  expect(result.window.end).toBe(scheduledAt?.toISOString());
  expect(monitorRun.typedSearchAttributes.get(triggerAttribute)).toBe('schedule');
  expect(monitorRun.typedSearchAttributes.get(verdictAttribute)).toBe('drift');
  // The retrain is the monitor run's child (ABANDON: it outlives the monitor run, which has completed).
  const child = await lifecycleHandle(stack.client, retrainWorkflowId(model)).describe();
  expect(child.raw.workflowExecutionInfo?.parentExecution?.workflowId).toBe(workflowId);
  expect(monitorRun.status.name).toBe('COMPLETED');
  // Memos: the monitor run names the version it judged and where its settings came from; the retrain its requester.
  expect(monitorRun.memo).toEqual({ kind: 'monitor', model, version: 1, requestedBy: 'system:schedule',
    specSource: `monitoring settings of ${model} v1 (registry)` });
  // The child sets its memo in its first workflow task, which may not have run yet when the monitor completes.
  const childMemo = await pollUntil(
    async () => (await lifecycleHandle(stack.client, retrainWorkflowId(model)).describe()).memo,
    (memo) => memo !== undefined && Object.keys(memo).length > 0,
    { timeoutMs: 30_000, intervalMs: 100, timeoutMessage: () => 'the retrain child set no memo' },
  );
  expect(childMemo).toMatchObject({ kind: 'lifecycle', model, requestedBy: `monitor:${workflowId}` });
  // The UI's "current details" of the monitor run carry the report summary and what it started.
  const metadata = await stack.client.workflow.getHandle(workflowId).query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  expect(metadata.currentDetails).toMatch(/verdict \*\*drift\*\*/);
  expect(metadata.currentDetails).toMatch(/\| temp_min \| wasserstein \| \d\.\d{3} \| 0\.100 \| \*\*yes\*\* \|/);
  expect(metadata.currentDetails).toMatch(/retrain: \*\*started\*\*/);
  // Deterministic: the run (timer, report, child start, search attributes) replays from its history.
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await stack.client.workflow.getHandle(workflowId).fetchHistory(), workflowId);

  const status = JSON.parse((await cli('monitor', 'status', model, '--json')).out) as { schedule: { actionsTaken: number }; reports: { id: string; verdict: string; retrain: { action: string } }[] };
  expect(status.schedule.actionsTaken).toBe(1);
  expect(status.reports).toEqual([expect.objectContaining({ id: result.reportId, verdict: 'drift', retrain: expect.objectContaining({ action: 'started' }) })]);
  const shown = await cli('monitor', 'report', result.reportId);
  expect(shown.out).toMatch(/verdict:\s+drift/);
  expect(shown.out).toMatch(/temp_min\s+wasserstein/);
  expect(shown.out).toMatch(/retrain:\s+started \(retrain-/);

  // Backfill two past hours: one run per interval, each reporting its own (empty) window; no retrain.
  const hour = 3_600_000;
  const base = Math.floor(Date.now() / hour) * hour;
  const backfill = await cli('monitor', 'backfill', model, '--from', new Date(base - 2.5 * hour).toISOString(), '--to', new Date(base - 0.5 * hour).toISOString());
  expect(backfill.code).toBe(0);
  const ends = [new Date(base - 2 * hour).toISOString(), new Date(base - hour).toISOString()];
  const deadline = Date.now() + 60_000;
  let past = (await stack.monitoring.listReports(model)).filter((r) => ends.includes(r.windowEnd));
  while (past.length < 2 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    past = (await stack.monitoring.listReports(model)).filter((r) => ends.includes(r.windowEnd));
  }
  expect(past.map((r) => [r.windowEnd, r.verdict, r.rows]).sort()).toEqual(ends.map((e) => [e, 'not-judged', 0]));

  expect((await cli('monitor', 'stop', model)).code).toBe(0);
  expect(await describeMonitorSchedule(stack.client, model)).toBeNull();
  expect(await cli('monitor', 'pause', model)).toMatchObject({ code: 1, err: expect.stringMatching(/is not monitored/) });

  await waitForStage(stack.client, retrainWorkflowId(model), ['awaiting-approval']);
  await sendDecision(stack.client, retrainWorkflowId(model), 'reject', { approver: 'test-suite' });
  await lifecycleHandle(stack.client, retrainWorkflowId(model)).result();
});

test('mlops monitor start refuses a model with nothing in production, and usage mistakes exit 2', async () => {
  expect(await cli('monitor', 'start', 'never-deployed', '--every', '1h')).toMatchObject({ code: 1, err: expect.stringMatching(/has no version in production/) });
  expect(await cli('monitor', 'start', 'x')).toMatchObject({ code: 2, err: expect.stringMatching(/--every is required/) });
  expect(await cli('monitor', 'explode', 'x')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown subcommand "explode"/) });
  expect(await cli('monitor', 'backfill', 'x', '--from', 'yesterday', '--to', 'now')).toMatchObject({ code: 2, err: expect.stringMatching(/--from must be an ISO time/) });
});
