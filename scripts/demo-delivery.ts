/**
 * Chapter 2 of `npm run demo`: while real weather rows flow to the model server, a retrained version goes
 * through the lifecycle and its deployment child rolls it out as a canary (10 → 50 → 100 %, a bake and a guard
 * check per step, judged on that live traffic); then `mlops rollback` returns production to the version of
 * chapter 1, and `mlops deployments` shows the history.
 */
import {
  deploymentHandle,
  lifecycleHandle,
  sendDecision,
  startLifecycle,
  startRollback,
  waitForStage,
} from '../src/client';
import { deploymentWorkflowId, workflowUiLink, type ModelSpec } from '../src/domain';
import { runCli } from '../src/cli/main';
import { DEMO_APPROVER, type DemoContext } from './lib/demo-settings';
import { expectOutcome, expectStage, expectStory, lifecycleResult } from './lib/demo-story';
import { featuresOf, followRollout, startDemoTraffic, type WeatherRow } from './lib/demo-traffic';

const CHAPTER = 'chapter 2 (progressive delivery)';

export async function deliveryDemo(ctx: DemoContext & { spec: ModelSpec; rows: readonly WeatherRow[] }): Promise<void> {
  const { client, config, say } = ctx;
  const spec: ModelSpec = { ...ctx.spec, training: { ...ctx.spec.training, seed: (ctx.spec.training.seed ?? 7) + 1 } };
  const d = spec.deployment;
  const asked = `the spec asks for a ${d.strategy} rollout; this chapter shows a canary`;
  expectStory(d.strategy === 'canary', CHAPTER, asked);
  say(`\n━━ 2. progressive delivery: a canary under live traffic, then a one-command rollback ━━`);
  say(`▶ retraining ${spec.name} (another seed) while live traffic flows: real 2015 days, single-row requests;`);
  const steps = `${d.canary.steps.join(' → ')} % with ${d.canary.bake} bakes`;
  say(`  a version serves production, so the spec's canary applies: ${steps}`);
  const traffic = startDemoTraffic(`${config.server.url}/v1/models/${spec.name}/predict`, ctx.rows.map(featuresOf));
  try {
    const reason = 'demo: retrain and roll out as a canary';
    const run = await startLifecycle(client, config, { spec, requestedBy: 'npm run demo', reason });
    const waiting = await waitForStage(client, run.workflowId, ['awaiting-approval', 'not-blessed', 'failed'], 300_000);
    expectStage(waiting, 'awaiting-approval', CHAPTER);
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
