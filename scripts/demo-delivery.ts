/**
 * Chapter 2 of `npm run demo`: while real weather rows flow to the model server, a challenger of the same model
 * is trained by an external trainer — scikit-learn's HistGradientBoostingClassifier in the Python training
 * worker (the `training` section of examples/weather-sklearn.json), exported to ONNX — evaluated on the same
 * held-out rows as the built-in champion (the gate's comparison table shows both), approved at the same gate,
 * and its deployment child rolls it out as a canary (10 → 50 → 100 %, a bake and a guard check per step, judged
 * on that live traffic); then `mlops rollback` returns production to the built-in version of chapter 1, and
 * `mlops deployments` shows the history.
 */
import { join } from 'node:path';
import {
  deploymentHandle,
  lifecycleHandle,
  sendDecision,
  startLifecycle,
  startRollback,
  waitForStage,
} from '../src/client';
import { openRegistry } from '../src/adapters';
import {
  deploymentWorkflowId,
  describeTrainer,
  isBuiltinTraining,
  parseModelSpec,
  workflowUiLink,
  type LifecycleStatus,
  type ModelSpec,
} from '../src/domain';
import { ONNX_MODEL_FORMAT } from '../src/domain/ml';
import { renderComparison } from '../src/cli/approval-format';
import { loadSpecFile } from '../src/cli/commands/run';
import { runCli } from '../src/cli/main';
import { DEMO_APPROVER, type DemoContext } from './lib/demo-settings';
import { DemoStoryError, expectOutcome, expectStage, expectStory, lifecycleResult } from './lib/demo-story';
import { featuresOf, followRollout, startDemoTraffic, type WeatherRow } from './lib/demo-traffic';

const CHAPTER = 'chapter 2 (a challenger from the Python trainer, canary, rollback)';

/** The external trainer of the challenger: the `training` section of this example spec. */
const CHALLENGER_EXAMPLE = 'examples/weather-sklearn.json';

export interface DeliveryContext extends DemoContext {
  readonly spec: ModelSpec;
  readonly rows: readonly WeatherRow[];
  /** Resolves once the Python training worker polls the training queue. */
  readonly trainerReady: () => Promise<void>;
}

export async function deliveryDemo(ctx: DeliveryContext): Promise<void> {
  const { client, config, say } = ctx;
  const challenger = (await loadSpecFile(join(ctx.root, CHALLENGER_EXAMPLE))).spec.training;
  const spec: ModelSpec = { ...ctx.spec, training: challenger };
  const d = spec.deployment;
  const asked = `the spec asks for a ${d.strategy} rollout; this chapter shows a canary`;
  expectStory(d.strategy === 'canary', CHAPTER, asked);
  say(`\n━━ 2. a challenger from a Python trainer: the same gate, a canary under live traffic, a rollback ━━`);
  say(`▶ a challenger of ${spec.name} from an external trainer: the training section of ${CHALLENGER_EXAMPLE}`);
  say(`  (${describeTrainer(challenger)}), fitted in the Python training worker on task queue`);
  say(`  ${config.temporal.trainingTaskQueue} and exported to ONNX; meanwhile live traffic flows: real 2015 days,`);
  say('  single-row requests;');
  const steps = `${d.canary.steps.join(' → ')} % with ${d.canary.bake} bakes`;
  say(`  a version serves production, so the spec's canary applies: ${steps}`);
  await ctx.trainerReady().catch((err: unknown) => {
    throw new DemoStoryError(`${CHAPTER}: the Python training worker did not start: ${(err as Error).message}`);
  });
  const traffic = startDemoTraffic(`${config.server.url}/v1/models/${spec.name}/predict`, ctx.rows.map(featuresOf));
  try {
    const reason = 'demo: a challenger trained by scikit-learn, rolled out as a canary';
    const started = Date.now();
    const run = await startLifecycle(client, config, { spec, requestedBy: 'npm run demo', reason });
    const waiting = await waitForStage(client, run.workflowId, ['awaiting-approval', 'not-blessed', 'failed'], 300_000);
    expectStage(waiting, 'awaiting-approval', CHAPTER);
    await showChallengerVsChampion(ctx, waiting, (Date.now() - started) / 1000);
    const decision = { approver: DEMO_APPROVER, comment: 'canary rollout in the demo' };
    await sendDecision(client, run.workflowId, 'approve', decision);
    const deployId = deploymentWorkflowId(spec.name, waiting.version as number);
    say(`  v${waiting.version} approved; deployment child ${deployId}\n  web UI: ${workflowUiLink(config, deployId)}`);
    say(`  steering: mlops rollout pause|resume|abort ${spec.name} --as <name>`);
    await followRollout(client, deployId, lifecycleHandle(client, run.workflowId).result(), say);
    const result = await lifecycleResult(client, run.workflowId, CHAPTER);
    const rollout = result.deployment;
    say(`▶ rollout outcome: ${rollout?.outcome ?? result.outcome} — ${rollout?.reason ?? 'no deployment'}`);
    expectOutcome(result, 'deployed', CHAPTER);

    const back = result.deployment?.fromVersion;
    const noStable = `the canary of v${result.version} had no stable version to roll back to`;
    expectStory(typeof back === 'number', CHAPTER, noStable);
    say(`\n▶ one-command rollback: mlops rollback ${spec.name} (to v${back}), through the same deployment workflow`);
    const drill = { model: spec.name, version: back, actor: DEMO_APPROVER, reason: 'demo: rollback drill' };
    const rollback = await startRollback(client, config, drill);
    const rolled = await deploymentHandle(client, rollback.workflowId).result();
    say(`  ${rolled.outcome}: production is v${rolled.toVersion} again (deployment #${rolled.deploymentId})`);
    const rolledWhy = `the rollback to v${back} was ${rolled.outcome}: ${rolled.reason}`;
    expectStory(rolled.outcome === 'promoted', CHAPTER, rolledWhy);
    const { sent, failed } = await traffic.stop();
    say(`▶ live traffic during the rollout and the rollback: ${sent} requests, ${failed} failed`);
    say(`\n▶ mlops deployments ${spec.name}`);
    expectStory((await runCli(['deployments', spec.name])) === 0, CHAPTER, `mlops deployments ${spec.name} failed`);
  } finally {
    await traffic.stop();
  }
}

/** The trainer that produced a registered version, as the comparison names it. */
async function trainerOf(config: DemoContext['config'], model: string, version: number): Promise<string> {
  const registry = await openRegistry(config);
  try {
    const parsed = parseModelSpec((await registry.getVersion(model, version)).spec);
    if (!parsed.ok) return 'a trainer this code does not know';
    const training = parsed.spec.training;
    return isBuiltinTraining(training) ? `built-in ${describeTrainer(training)}` : describeTrainer(training);
  } finally {
    await registry.close();
  }
}

/** The approval gate's comparison (as `mlops status` shows it): the Python-trained challenger vs the champion. */
async function showChallengerVsChampion(ctx: DeliveryContext, waiting: LifecycleStatus, seconds: number): Promise<void> {
  const { config, say } = ctx;
  const e = waiting.evaluation;
  const c = waiting.candidate;
  const onnx = `the candidate is an ONNX model (${c?.format}), trained by ${c?.trainer}`;
  const notOnnx = `expected an ONNX model from the Python worker; got ${c?.format}`;
  expectStory(c?.format === ONNX_MODEL_FORMAT, CHAPTER, notOnnx);
  expectStory(Boolean(e?.champion), CHAPTER, `${onnx}, but the gate had no champion to compare it with`);
  if (!e?.champion || waiting.version === undefined) return;
  const libraries = (c?.environment?.['libraries'] ?? {}) as Record<string, string>;
  const runtime = [c?.environment?.['runtime'], `scikit-learn ${libraries['scikit-learn']}`].join(', ');
  const v = `v${waiting.version}`;
  say(`▶ ${v} trained in the Python worker (${runtime}) on ${c?.trainRows} rows, evaluated on the same`);
  say(`  ${e.testRows} held-out rows as the champion: ${seconds.toFixed(1)} s from start to the approval gate, whose`);
  say('  comparison reads:');
  say(`  candidate  v${waiting.version}: ${c?.trainer} (ONNX)`);
  say(`  champion   v${e.champion.version}: ${await trainerOf(config, waiting.model, e.champion.version)}`);
  for (const line of renderComparison(e).split('\n')) say(`    ${line}`);
  const versus = e.checks.filter((check) => check.name.endsWith('-vs-champion'));
  for (const check of versus) say(`  ${check.passed ? '✓' : '✗'} ${check.name}: ${check.detail}`);
}
