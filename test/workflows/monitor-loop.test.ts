import { describeLifecycle, lifecycleHandle, sendDecision, waitForStage } from '../../src/client';
import { retrainWorkflowId } from '../../src/domain';
import { ingestLabels } from '../../src/adapters';
import { startStack, type TestStack } from '../support/stack';
import { runCompiled } from '../support/processes';
import { deploy, labelsCsv, monitorOnce, seattleSpec, serve, uniqueModel, weatherRows } from '../support/monitoring';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack('monitor-loop');
  await stack.startWorker();
});
afterAll(async () => stack?.close());

/**
 * The evidence an approver of a retrain sees — the report id, its drift table (per feature: test, score,
 * threshold, drifted) and realized vs evaluated performance — in the status query, `mlops status`,
 * `mlops pending --details` and the run's current details in the UI.
 */
async function expectRetrainEvidence(model: string, reportId: string): Promise<void> {
  const id = retrainWorkflowId(model);
  const stored = (await stack.monitoring.getReport(reportId))!.report;
  const status = await waitForStage(stack.client, id, ['awaiting-approval']);
  expect(status.evidence).toMatchObject({ reportId, verdict: 'drift', version: 1, rows: stored.rows });
  expect(status.evidence?.drift.features).toEqual(
    stored.drift.features.map((f) => ({ feature: f.feature, method: f.method, score: f.score, threshold: f.threshold,
      drifted: f.drifted, reason: f.reason })),
  );
  expect(status.evidence?.performance).toMatchObject({ judged: true, labelledRows: 200, metric: 'accuracy' });
  const drifted = stored.drift.features.find((f) => f.drifted)!;
  const row = new RegExp(`${drifted.feature}\\s+${drifted.method}\\s+${drifted.score!.toFixed(3)}\\s+` +
    `${drifted.threshold!.toFixed(3)}\\s+yes`);
  const realized = /accuracy: realized 0\.\d{3} on 200 labelled predictions vs 0\.\d{3} evaluated/;
  for (const argv of [['status', id], ['pending', '--details']]) {
    const { code, output } = await runCompiled('src/cli/main.js', argv, stack.env);
    expect(code).toBe(0);
    expect(output).toContain(`monitor report ${reportId} — drift for v1`);
    expect(output).toMatch(row);
    expect(output).toMatch(realized);
  }
  const handle = stack.client.workflow.getHandle(id);
  const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  expect(metadata.currentDetails).toContain(`monitor report \`${reportId}\`: **drift** for v1`);
  const cells = `| ${drifted.feature} | ${drifted.method} | ${drifted.score!.toFixed(3)} |`;
  expect(metadata.currentDetails).toContain(cells);
  expect(metadata.currentDetails).toMatch(realized);
}

/** Ends a retrain child left waiting for approval, so the shared dev server is left clean. */
async function rejectRetrain(model: string): Promise<void> {
  const id = retrainWorkflowId(model);
  await waitForStage(stack.client, id, ['awaiting-approval', 'not-blessed', 'failed']);
  await sendDecision(stack.client, id, 'reject', { approver: 'test-suite' }).catch(() => undefined);
  await lifecycleHandle(stack.client, id).result().catch(() => undefined);
}

test('no drift: Seattle traffic against a Seattle model is judged ok and starts nothing', async () => {
  const model = uniqueModel('mon-ok');
  const version = await deploy(stack, seattleSpec(model, { window: '1h', cooldown: '0s' }));
  expect((await stack.monitoring.getProfile(model, version))?.profiles.rows).toBeGreaterThan(1000);
  await serve(stack, model, await weatherRows('Seattle', 300));

  const result = await monitorOnce(stack, model);
  expect(result.verdict).toBe('ok');
  expect(result.retrain).toMatchObject({ action: 'none', detail: 'no drift or degradation' });
  const stored = await stack.monitoring.getReport(result.reportId);
  expect(stored?.report.rows).toBe(300);
  expect(stored?.report.drift.judged).toBe(true);
  expect(stored?.report.drift.dataset.driftedShare).toBeLessThan(0.5);
  expect(stored?.report.drift.features.map((f) => f.method)).toEqual(['wasserstein', 'wasserstein', 'wasserstein', 'wasserstein']);
  expect(stored?.row.retrain?.action).toBe('none');
});

test('drift: New York traffic starts one retraining child with the report id; a second finding starts nothing new', async () => {
  const model = uniqueModel('mon-drift');
  // Performance is judged too (on the 200 labels) with a drop allowed so large that drift alone triggers.
  const performance = { metric: 'accuracy' as const, maxDrop: 1, minLabels: 100 };
  const retrain = { enabled: true, labelledWindow: '1h' };
  await deploy(stack, seattleSpec(model, { window: '1h', cooldown: '0s', retrain, performance }));
  const served = await serve(stack, model, await weatherRows('New York', 200));
  await ingestLabels(stack.predictions, labelsCsv(served));

  const first = await monitorOnce(stack, model);
  expect(first.verdict).toBe('drift');
  expect(first.retrain).toMatchObject({ action: 'started', kind: 'drift', workflowId: retrainWorkflowId(model) });
  const child = await waitForStage(stack.client, retrainWorkflowId(model), ['awaiting-approval']);
  expect(child).toMatchObject({ trigger: 'drift', reportId: first.reportId, version: 2 });
  expect(child.reason).toMatch(/drift in \d\/4 features/);
  expect(child.reason).toMatch(/\d+ base \+ 200 labelled rows/);
  // The retrain trained on the Seattle snapshot plus the 200 labelled New York predictions.
  expect(child.dataset?.rowCount).toBe((await stack.registry.getVersion(model, 1)).datasetRows + 200);
  await expectRetrainEvidence(model, first.reportId);

  // Another window with the same traffic: the retrain id is taken, so Temporal refuses a second child.
  await serve(stack, model, await weatherRows('New York', 100, 200));
  const second = await monitorOnce(stack, model);
  expect(second.verdict).toBe('drift');
  expect(second.retrain.action).toBe('already-running');
  expect(second.retrain.detail).toMatch(/a retrain is already running/);
  expect((await stack.monitoring.getReport(second.reportId))?.row.retrain?.action).toBe('already-running');

  // Approving the child deploys v2: the loop closes.
  await sendDecision(stack.client, retrainWorkflowId(model), 'approve', { approver: 'test-suite' });
  expect(await lifecycleHandle(stack.client, retrainWorkflowId(model)).result()).toMatchObject({ outcome: 'deployed', version: 2 });
  expect((await stack.registry.findByAlias(model, 'production'))?.version).toBe(2);
  const view = await describeLifecycle(stack.client, retrainWorkflowId(model));
  expect(view.status?.trigger).toBe('drift');
});

test('cooldown: a finding soon after a retrain started records the cooldown and starts nothing', async () => {
  const model = uniqueModel('mon-cool');
  await deploy(stack, seattleSpec(model, { window: '1h', cooldown: '1h' }));
  await serve(stack, model, await weatherRows('New York', 150));
  const first = await monitorOnce(stack, model);
  expect(first.retrain.action).toBe('started');
  await rejectRetrain(model);

  await serve(stack, model, await weatherRows('New York', 150, 150));
  const second = await monitorOnce(stack, model);
  expect(second.verdict).toBe('drift');
  expect(second.retrain.action).toBe('cooldown');
  expect(second.retrain.detail).toMatch(/cooldown: the last retrain started at .+; the next may start after/);
});
