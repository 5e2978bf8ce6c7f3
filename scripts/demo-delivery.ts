/**
 * The progressive-delivery part of `npm run demo`: while real weather rows flow to the model server, a retrained
 * version goes through the lifecycle and its deployment child rolls it out as a canary (10 → 50 → 100 %, a bake
 * and a guard check per step); then `mlops rollback` returns production to the first version, and
 * `mlops deployments` shows the history.
 */
import type { Client } from '@temporalio/client';
import { deploymentHandle, lifecycleHandle, queryDeployment, sendDecision, startLifecycle, startRollback, waitForStage } from '../src/client';
import { deploymentWorkflowId, workflowUiLink, type AppConfig, type DeploymentStatus, type ModelSpec } from '../src/domain';
import { runCli } from '../src/cli/main';

const MAX_DEMO_REQUESTS = 100_000;

/** Steady demo traffic: two sequential loops of single-row requests until stopped (bounded in count). */
function demoTraffic(url: string, rows: readonly Record<string, unknown>[]) {
  let sent = 0;
  let failed = 0;
  let stopped = false;
  const loop = async () => {
    while (!stopped && sent < MAX_DEMO_REQUESTS) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instance: rows[sent++ % rows.length] }) });
      if (!res.ok) failed++;
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  const loops = [loop(), loop()];
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return { sent, failed };
    },
  };
}

const stepLine = (s: DeploymentStatus['steps'][number]) =>
  `  ${s.mode === 'canary' ? `${String(s.percent).padStart(3)} %` : s.mode} ${s.report ? `guards ${s.report.verdict}: ${s.report.checks.map((c) => `${c.passed ? '✓' : '✗'} ${c.name}`).join(', ')} (candidate ${s.report.candidate.requests} requests, stable ${s.report.baseline.requests})` : 'baking…'}`;

export async function deliveryDemo(args: { client: Client; config: AppConfig; spec: ModelSpec; rows: Record<string, unknown>[]; approver: string; say: (s?: string) => void }): Promise<void> {
  const { client, config, say } = args;
  const training = args.spec.training;
  const spec: ModelSpec = { ...args.spec, training: { ...training, seed: (training.seed ?? 7) + 1 } };
  const traffic = demoTraffic(`${config.server.url}/v1/models/${spec.name}/predict`, args.rows);
  try {
    say(`\n▶ progressive delivery: retraining ${spec.name} (another seed) while live traffic flows; the spec asks for a ${spec.deployment.strategy} rollout`);
    const run = await startLifecycle(client, config, { spec, requestedBy: 'npm run demo', reason: 'demo: retrain and roll out as a canary' });
    const waiting = await waitForStage(client, run.workflowId, ['awaiting-approval', 'not-blessed', 'failed'], 300_000);
    if (waiting.stage !== 'awaiting-approval' || waiting.version === undefined) throw new Error(`retrain stopped at ${waiting.stage}: ${waiting.failure ?? ''}`);
    await sendDecision(client, run.workflowId, 'approve', { approver: args.approver, comment: 'canary rollout in the demo' });
    const deployId = deploymentWorkflowId(spec.name, waiting.version);
    say(`  v${waiting.version} approved; deployment child ${deployId}\n  web UI: ${workflowUiLink(config, deployId)}`);
    say(`  steering: mlops rollout pause|resume|abort ${spec.name} --as <name>`);
    let shown = 0;
    for (;;) {
      const status = await queryDeployment(client, deployId).catch(() => null);
      const done = status?.steps.filter((s) => s.report && s.endedAt) ?? [];
      for (; shown < done.length; shown++) say(stepLine(done[shown] as DeploymentStatus['steps'][number]));
      if (status && ['promoted', 'rolled-back', 'failed'].includes(status.state)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const result = await lifecycleHandle(client, run.workflowId).result();
    say(`▶ rollout outcome: ${result.deployment?.outcome} — ${result.deployment?.reason}`);

    const back = result.deployment?.fromVersion;
    if (result.outcome === 'deployed' && back) {
      say(`\n▶ one-command rollback: mlops rollback ${spec.name} (to v${back}), through the same deployment workflow`);
      const rollback = await startRollback(client, config, { model: spec.name, version: back, actor: args.approver, reason: 'demo: rollback drill' });
      const rolled = await deploymentHandle(client, rollback.workflowId).result();
      say(`  ${rolled.outcome}: production is v${rolled.toVersion} again (deployment #${rolled.deploymentId})`);
    }
    const { sent, failed } = await traffic.stop();
    say(`▶ live traffic during the rollout and the rollback: ${sent} requests, ${failed} failed`);
    say(`\n▶ mlops deployments ${spec.name}`);
    await runCli(['deployments', spec.name]);
  } finally {
    await traffic.stop();
  }
}
