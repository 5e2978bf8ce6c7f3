import { ArtifactStore } from '../../src/adapters';
import { deploymentWorkflowId, modelSpecSchema, type DeploymentInput, type ModelSpec, type DeploymentLedger } from '../../src/domain';
import { inState, queryDeployment, sendDecision, sendRolloutCommand, startDeployment, startLifecycle, waitForDeployment, waitForStage } from '../../src/client';
import { runCli } from '../../src/cli/main';
import { startStack, type TestStack } from '../support/stack';
import { saveHistoryIfAsked } from '../support/histories';
import { weatherSpec } from '../support/specs';
import { startTraffic } from '../support/traffic';
import { registerTrainedVersion } from '../support/versions';
import { featureRows } from '../support/weather-rows';

let stack: TestStack;
let artifacts: ArtifactStore;
let deployments: DeploymentLedger;
const rows = featureRows();

beforeAll(async () => {
  stack = await startStack('deployment');
  await stack.startWorker();
  artifacts = new ArtifactStore(stack.config.artifactDir);
  deployments = stack.registry.deployments;
});
afterAll(async () => stack?.close());

/** Short bakes and a small traffic minimum keep the rollouts quick; the guards are the production ones. */
const quickGuards = { minRequests: 20, maxExtensions: 10, maxP99LatencyIncreaseMs: 250, maxPredictionShift: 0.3 };
const canarySpec = (name: string, overrides: Parameters<typeof weatherSpec>[0] = {}): ModelSpec =>
  modelSpecSchema.parse(weatherSpec({ name, deployment: { strategy: 'canary', canary: { steps: [10, 50, 100], bake: '2s' }, guards: quickGuards }, ...overrides }));

async function approvedRelease(spec: ModelSpec) {
  const run = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'test-suite' });
  await waitForStage(stack.client, run.workflowId, ['awaiting-approval']);
  await sendDecision(stack.client, run.workflowId, 'approve', { approver: 'alice' });
  return run;
}

async function deploy(input: DeploymentInput, workflowId = `test-${input.model}-v${input.version}-${Date.now().toString(36)}`) {
  const handle = await startDeployment(stack.client, stack.config, input, workflowId);
  return { handle, workflowId };
}

async function serving(model: string) {
  const res = await fetch(`${stack.serverUrl}/v1/models/${model}`);
  return (await res.json()) as { version: number; rollout: unknown };
}

async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  const env = {
    TEMPORAL_ADDRESS: stack.config.temporal.address,
    MLOPS_TASK_QUEUE: stack.config.temporal.taskQueue,
    MLOPS_DATA_DIR: stack.config.dataDir,
    MLOPS_SERVER_PORT: String(stack.config.server.port),
    MLOPS_ADMIN_TOKEN: stack.config.server.adminToken,
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let out = '';
  try {
    const code = await runCli(argv, (s) => (out += s), (s) => (out += s));
    return { code, out };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('canary through the lifecycle', () => {
  const model = 'canary-weather';

  test('canary promote path: the first release goes direct, the next one through 10 → 50 → 100 % with passing guards', async () => {
    const first = await approvedRelease(canarySpec(model));
    const firstResult = await first.handle.result();
    expect(firstResult.outcome).toBe('deployed');
    expect(firstResult.deployment).toMatchObject({ outcome: 'promoted', strategy: 'direct', toVersion: 1, reason: expect.stringMatching(/deployed directly instead of canary/) });

    const traffic = startTraffic(stack.serverUrl, model, rows);
    const second = await approvedRelease(canarySpec(model));
    const result = await second.handle.result();
    const sent = await traffic.stop();

    expect(result.outcome).toBe('deployed');
    const deployment = result.deployment;
    expect(deployment).toMatchObject({ outcome: 'promoted', strategy: 'canary', fromVersion: 1, toVersion: 2, kind: 'release' });
    expect(deployment?.steps.map((s) => [s.percent, s.report?.verdict])).toEqual([[10, 'pass'], [50, 'pass'], [100, 'pass']]);
    expect(deployment?.steps[0]?.report?.checks.map((c) => c.name)).toEqual(['error-rate', 'latency-p99', 'prediction-shift']);
    expect(sent.statuses).toEqual({ 200: sent.sent });
    expect(sent.versions[2]).toBeGreaterThan(0);

    expect((await stack.registry.findByAlias(model, 'production'))?.version).toBe(2);
    expect(await serving(model)).toMatchObject({ version: 2, rollout: null });
    const rows_ = await deployments.list(model);
    expect(rows_.map((d) => [d.toVersion, d.strategy, d.state, d.workflowId, d.parentWorkflowId])).toEqual([
      [2, 'canary', 'promoted', deploymentWorkflowId(model, 2), second.workflowId],
      [1, 'direct', 'promoted', deploymentWorkflowId(model, 1), first.workflowId],
    ]);
    expect((await stack.registry.aliasHistory(model)).map((h) => [h.fromVersion, h.toVersion, h.actor, h.workflowId])).toEqual([
      [null, 1, 'alice', first.workflowId],
      [1, 2, 'alice', second.workflowId],
    ]);
  });

  test('canary rollback path: a candidate trained on a bad slice trips the prediction-distribution guard at 10 %', async () => {
    const bad = canarySpec(model, { dataset: { path: weatherSpec().dataset.path, where: "weather IN ('fog', 'drizzle')" }, thresholds: {} });
    const traffic = startTraffic(stack.serverUrl, model, rows);
    const run = await approvedRelease(bad);
    const result = await run.handle.result();
    const sent = await traffic.stop();

    expect(result.outcome).toBe('rolled-back');
    expect(result.version).toBe(3);
    const deployment = result.deployment;
    expect(deployment).toMatchObject({ outcome: 'rolled-back', strategy: 'canary', fromVersion: 2, toVersion: 3 });
    expect(deployment?.steps).toHaveLength(1);
    const report = deployment?.steps[0]?.report;
    expect(report?.verdict).toBe('fail');
    expect(report?.checks.find((c) => c.name === 'prediction-shift')?.passed).toBe(false);
    expect(deployment?.reason).toMatch(/guard tripped at 10 %: prediction-shift/);
    expect(sent.statuses).toEqual({ 200: sent.sent }); // the bad candidate answered, wrongly, but nobody saw an error

    expect((await stack.registry.findByAlias(model, 'production'))?.version).toBe(2);
    expect((await stack.registry.getVersion(model, 3)).status).toBe('rolled_back');
    expect(await serving(model)).toMatchObject({ version: 2, rollout: null });
    expect((await deployments.list(model))[0]).toMatchObject({ toVersion: 3, state: 'rolled-back', outcomeReason: expect.stringMatching(/prediction-shift/) });
    await saveHistoryIfAsked(run.handle, 'lifecycle-canary-rollback.json');
    await saveHistoryIfAsked(stack.client.workflow.getHandle(deploymentWorkflowId(model, 3)), 'deployment-canary-rolled-back.json');
  });

  test('mlops rollback moves production to the previous version through the deployment workflow; mlops deployments lists it all', async () => {
    const rolled = await cli('rollback', model, '--as', 'oncall', '--reason', 'drill');
    expect(rolled.out).toMatch(/production is v1/);
    expect(rolled.code).toBe(0);
    expect((await stack.registry.findByAlias(model, 'production'))?.version).toBe(1);
    expect(await serving(model)).toMatchObject({ version: 1 });
    expect((await stack.registry.getVersion(model, 2)).status).toBe('rolled_back');

    const forward = await cli('rollback', model, '--to', '2', '--as', 'oncall', '--json');
    expect(forward.code).toBe(0);
    expect(JSON.parse(forward.out)).toMatchObject({ outcome: 'promoted', kind: 'rollback', strategy: 'direct', fromVersion: 1, toVersion: 2 });
    expect((await serving(model)).version).toBe(2);

    expect((await cli('rollback', model, '--to', '2')).out).toMatch(/already in production/);
    expect((await cli('rollback', model, '--to', '9')).out).toMatch(/not registered/);

    const listed = await cli('deployments', model, '--json');
    const history = JSON.parse(listed.out) as { production: number; deployments: { kind: string; state: string; fromVersion: number; toVersion: number; actor: string; reason: string }[]; aliasHistory: { fromVersion: number | null; toVersion: number; actor: string; reason: string }[] };
    expect(history.production).toBe(2);
    expect(history.deployments.map((d) => [d.kind, d.state, d.fromVersion, d.toVersion])).toEqual([
      ['rollback', 'promoted', 1, 2],
      ['rollback', 'promoted', 2, 1],
      ['release', 'rolled-back', 2, 3],
      ['release', 'promoted', 1, 2],
      ['release', 'promoted', null, 1],
    ]);
    expect(history.aliasHistory.map((h) => [h.fromVersion, h.toVersion, h.actor])).toEqual([
      [null, 1, 'alice'],
      [1, 2, 'alice'],
      [2, 1, 'oncall'],
      [1, 2, 'oncall'],
    ]);
    expect(history.aliasHistory[2]?.reason).toBe('drill');
    const rollback = (await deployments.list(model)).find((d) => d.kind === 'rollback' && d.toVersion === 1);
    await saveHistoryIfAsked(stack.client.workflow.getHandle(rollback?.workflowId ?? ''), 'deployment-rollback.json');
    const table = await cli('deployments', model);
    expect(table.out).toMatch(/10%✗/);
    expect(table.out).toMatch(/production alias history/);
  });
});

test('shadow: an identical candidate agrees on every row and is promoted; a bad one is put to a person, who aborts', async () => {
  const model = 'shadow-weather';
  for (const labels of [undefined, undefined, ['fog', 'drizzle']]) await registerTrainedVersion(stack.registry, artifacts, { model, ...(labels ? { labels } : {}) });
  await (await deploy({ model, version: 1, actor: 'test-suite' })).handle.result();

  const shadow = (onLowAgreement: 'reject' | 'ask') => ({ strategy: 'shadow' as const, shadow: { duration: '2s', minAgreement: 0.9, onLowAgreement }, guards: quickGuards });
  const traffic = startTraffic(stack.serverUrl, model, rows);
  const goodDeployment = await deploy({ model, version: 2, actor: 'test-suite', deployment: shadow('reject') });
  const good = await goodDeployment.handle.result();
  expect(good).toMatchObject({ outcome: 'promoted', strategy: 'shadow', fromVersion: 1, toVersion: 2 });
  expect(good.shadow?.verdict).toBe('promote');
  expect(good.shadow?.agreement).toBe(1);
  expect(good.shadow?.compared).toBeGreaterThanOrEqual(20);
  await saveHistoryIfAsked(goodDeployment.handle, 'deployment-shadow-promoted.json');

  const { handle, workflowId } = await deploy({ model, version: 3, actor: 'test-suite', deployment: shadow('ask') });
  const asking = await waitForDeployment(stack.client, workflowId, inState('awaiting-decision', 'promoted', 'rolled-back', 'failed'));
  expect(asking.state).toBe('awaiting-decision');
  expect(asking.shadow?.verdict).toBe('low-agreement');
  expect(asking.shadow?.guards.checks.find((c) => c.name === 'prediction-shift')?.passed).toBe(false); // reported, not deciding
  expect(asking.shadow?.agreement).toBeLessThan(0.5);
  expect((await serving(model)).rollout).toMatchObject({ candidate: 3, mode: 'shadow' });
  await sendRolloutCommand(stack.client, workflowId, 'abort', { actor: 'bob', reason: 'disagrees too often' });
  const bad = await handle.result();
  const sent = await traffic.stop();
  expect(bad).toMatchObject({ outcome: 'rolled-back', reason: expect.stringMatching(/below 90 %; aborted by bob: disagrees too often/) });
  expect(sent.statuses).toEqual({ 200: sent.sent });
  expect(sent.versions[3]).toBeUndefined(); // shadow answers are never returned
  expect(await serving(model)).toMatchObject({ version: 2, rollout: null });
  await saveHistoryIfAsked(handle, 'deployment-shadow-aborted.json');
});

test('pause, resume and abort steer a canary by signal; bad commands are refused; a second deployment of the model queues', async () => {
  const model = 'steer-weather';
  for (let i = 0; i < 3; i++) await registerTrainedVersion(stack.registry, artifacts, { model });
  await (await deploy({ model, version: 1, actor: 'test-suite' })).handle.result();

  const { handle, workflowId } = await deploy({ model, version: 2, actor: 'test-suite', deployment: { strategy: 'canary', canary: { steps: [10, 100], bake: '3s' }, guards: quickGuards } });
  expect((await waitForDeployment(stack.client, workflowId, inState('canary', 'promoted', 'rolled-back', 'failed'))).state).toBe('canary');
  const concurrent = await deploy({ model, version: 3, actor: 'test-suite' });
  const queued = await waitForDeployment(stack.client, concurrent.workflowId, inState('queued', 'promoted', 'failed'));
  const running = await deployments.running(model);
  expect(queued).toMatchObject({ state: 'queued', waitingFor: { deploymentId: running?.id, version: 2, kind: 'release', state: 'running', ahead: 1 } });
  expect((await deployments.queued(model)).map((d) => d.toVersion)).toEqual([3]);

  await sendRolloutCommand(stack.client, workflowId, 'pause', { actor: 'ops' });
  await sendRolloutCommand(stack.client, workflowId, 'pause', { actor: 'ops' });
  await sendRolloutCommand(stack.client, workflowId, 'promote', { actor: 'ops' });
  await sendRolloutCommand(stack.client, workflowId, 'resume', { actor: '' });
  expect((await queryDeployment(stack.client, workflowId)).paused).toBe(true);
  await sendRolloutCommand(stack.client, workflowId, 'resume', { actor: 'ops' });
  expect((await queryDeployment(stack.client, workflowId)).paused).toBe(false);
  await sendRolloutCommand(stack.client, workflowId, 'pause', { actor: 'ops', reason: 'investigating' });
  expect((await cli('rollout', 'abort', model, '--as', 'ops', '--reason', 'stop here')).code).toBe(0);

  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'rolled-back', reason: 'aborted by ops: stop here' });
  const status = await queryDeployment(stack.client, workflowId);
  expect(status.events.map((e) => [e.kind, e.actor, e.accepted])).toEqual([
    ['pause', 'ops', true],
    ['pause', 'ops', false],
    ['promote', 'ops', false],
    ['resume', '', false],
    ['resume', 'ops', true],
    ['pause', 'ops', true],
    ['abort', 'ops', true],
  ]);
  expect(status.events[1]?.note).toBe('already paused');
  expect(status.events[3]?.note).toMatch(/actor is required/);
  expect(await stack.registry.getVersion(model, 2)).toMatchObject({ status: 'rolled_back', statusReason: 'aborted by ops: stop here' });

  // The queued deployment ran once the canary was withdrawn, from the production version of that moment.
  expect(await concurrent.handle.result()).toMatchObject({ outcome: 'promoted', fromVersion: 1, toVersion: 3 });
  expect((await stack.registry.findByAlias(model, 'production'))?.version).toBe(3);
  expect(await serving(model)).toMatchObject({ version: 3, rollout: null });
  expect((await deployments.list(model))[0]).toMatchObject({ toVersion: 3, state: 'promoted', queuedAt: expect.any(String) });
});
