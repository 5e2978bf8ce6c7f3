/**
 * Chapter 1 of `npm run demo`: a release of examples/weather-classifier.json — ingest, validate, train,
 * evaluate against the champion, the approval gate, then the rollout the spec asks for. On a fresh data dir
 * nothing serves yet and the version deploys directly; once a champion serves (an earlier demo run), the
 * spec's canary applies and the demo sends live traffic while it bakes so that its guards can judge.
 */
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  deploymentHandle,
  lifecycleHandle,
  sendDecision,
  sendRolloutCommand,
  startLifecycle,
  waitForStage,
} from '../src/client';
import { openRegistry } from '../src/adapters';
import {
  deploymentWorkflowId,
  metricValue,
  parseDurationMs,
  workflowUiLink,
  type LifecycleStatus,
  type ModelSpec,
} from '../src/domain';
import { loadSpecFile } from '../src/cli/commands/run';
import { pct } from '../src/cli/format';
import { showAuditTrail, showInbox } from './demo-governance';
import { DEMO_APPROVER, demoSpec, type DemoContext } from './lib/demo-settings';
import { DemoStoryError, expectOutcome, expectStage, expectStory, lifecycleResult } from './lib/demo-story';
import { featuresOf, followRollout, startDemoTraffic, type WeatherRow } from './lib/demo-traffic';

const CHAPTER = 'chapter 1 (a release)';
const AFTER_APPROVAL: LifecycleStatus['stage'][] = ['deploying', 'deployed', 'rolled-back', 'rejected', 'failed'];
const LEFTOVER_TIMEOUT_MS = 120_000;

export interface ReleaseOutcome {
  readonly spec: ModelSpec;
  /** Web UI link of the release's lifecycle run. */
  readonly ui: string;
  readonly correct: number;
  readonly shown: number;
}

/**
 * A rollout left running by an interrupted demo (Ctrl-C during a canary) would refuse this run's deployment
 * (DeploymentInProgress): abort it, say so, and wait until it has restored its stable version.
 */
async function settleLeftoverRollout(ctx: DemoContext, model: string): Promise<void> {
  const registry = await openRegistry(ctx.config);
  const running = await registry.deployments.running(model).finally(() => registry.close());
  if (!running) return;
  const id = running.workflowId;
  ctx.say(`▶ rollout ${id} (v${running.toVersion}) is still running, left by an interrupted demo run: aborting it`);
  const command = { actor: DEMO_APPROVER, reason: 'left running by an interrupted demo run' };
  await sendRolloutCommand(ctx.client, id, 'abort', command).catch((err: unknown) => {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    throw new DemoStoryError(`${CHAPTER}: the registry says ${id} is running, but Temporal does not know it`);
  });
  const timeout = new Promise<never>((_, reject) => {
    const fail = () => reject(new DemoStoryError(`${CHAPTER}: ${id} did not end after an abort`));
    setTimeout(fail, LEFTOVER_TIMEOUT_MS).unref();
  });
  const ended = await Promise.race([deploymentHandle(ctx.client, id).result(), timeout]);
  ctx.say(`  ${ended.outcome}: ${ended.reason}`);
}

/** Says which rollout this release gets and why, before anyone approves it. */
function rolloutRule(spec: ModelSpec, champion: number | undefined, version: number | undefined): string {
  const d = spec.deployment;
  const canary = `canary ${d.canary.steps.join(' → ')} % with ${d.canary.bake} bakes`;
  if (d.strategy !== 'canary') return `▶ rollout: ${d.strategy}, as the spec asks`;
  if (champion === undefined) {
    return (
      `▶ rollout: direct — nothing serves ${spec.name} yet (a fresh data dir), so the spec's\n` +
      `  ${canary} has no stable version to compare with; it applies from the next release on (chapter 2)`
    );
  }
  return (
    `▶ rollout: ${canary}, as the spec asks: v${champion} already serves production (left by an\n` +
    `  earlier run in this data dir), so v${version} must prove itself on live traffic — the demo sends real 2015\n` +
    '  days while each step bakes'
  );
}

export async function releaseChapter(ctx: DemoContext, rows: readonly WeatherRow[]): Promise<ReleaseOutcome> {
  const { client, config, say } = ctx;
  const loaded = await loadSpecFile(join(ctx.root, 'examples/weather-classifier.json'));
  const spec = demoSpec(loaded.spec, ctx.settings);
  say(`\n━━ 1. a release: ${spec.name} is trained, evaluated, approved and rolled out ━━`);
  await settleLeftoverRollout(ctx, spec.name);

  const reason = 'demo: a release of the weather classifier';
  const specSource = loaded.source;
  const run = await startLifecycle(client, config, { spec, requestedBy: 'npm run demo', reason, specSource });
  const ui = workflowUiLink(config, run.workflowId, run.runId);
  say(`▶ lifecycle started for ${spec.name}\n  workflow: ${run.workflowId}\n  web UI:   ${ui}`);

  const waiting = await waitForStage(client, run.workflowId, ['awaiting-approval', 'not-blessed', 'failed'], 300_000);
  expectStage(waiting, 'awaiting-approval', CHAPTER);
  const e = waiting.evaluation;
  const snapshot = waiting.dataset?.id.slice(0, 12);
  say(`▶ ingested ${waiting.dataset?.rowCount} rows (snapshot ${snapshot}), validation passed`);
  const c = e?.candidate;
  const metric = (name: 'accuracy' | 'macroF1' | 'logLoss') => metricValue(c, name);
  const metrics = `accuracy ${pct(metric('accuracy'))}, macro-F1 ${metric('macroF1')?.toFixed(3)}, log-loss ${metric('logLoss')?.toFixed(3)}`;
  say(`▶ trained v${waiting.version}: ${metrics} on ${e?.testRows} held-out rows`);
  if (e?.champion) say(`  champion v${e.champion.version}: accuracy ${pct(metricValue(e.champion.metrics, 'accuracy'))}`);
  say(rolloutRule(spec, e?.champion?.version, waiting.version));
  const canary = spec.deployment.strategy === 'canary' && Boolean(e?.champion);

  say(`▶ waiting for approval (signal "approve" or "reject")`);
  await showInbox(client, config, run.workflowId, say);
  if (ctx.settings.interactive) {
    say(`  approve:  node dist/src/cli/main.js approve ${run.workflowId} --as <your name>`);
    const input = `'{"approver":"<your name>"}'`;
    say(`  or:       temporal workflow signal --workflow-id ${run.workflowId} --name approve --input ${input}`);
    say(`  or use the Web UI: ${ui}`);
  } else {
    const comment = 'approved automatically by the demo script';
    await sendDecision(client, run.workflowId, 'approve', { approver: DEMO_APPROVER, comment });
    say(`  approved as "${DEMO_APPROVER}"`);
  }
  const deadlineMs = parseDurationMs(spec.approval.timeout ?? '7d') + 60_000;
  const decided = await waitForStage(client, run.workflowId, AFTER_APPROVAL, deadlineMs);

  const predictUrl = `${config.server.url}/v1/models/${spec.name}/predict`;
  const traffic = canary && decided.stage === 'deploying' ? startDemoTraffic(predictUrl, rows.map(featuresOf)) : null;
  let sent;
  try {
    if (traffic && waiting.version !== undefined) {
      const deployId = deploymentWorkflowId(spec.name, waiting.version);
      say(`  deployment child ${deployId}; live traffic flows to the model server while each step bakes`);
      await followRollout(client, deployId, lifecycleHandle(client, run.workflowId).result(), say);
    }
  } finally {
    sent = await traffic?.stop();
  }
  const result = await lifecycleResult(client, run.workflowId, CHAPTER);
  const by = result.decision ? ` by ${result.decision.approver}` : '';
  say(`▶ outcome: ${result.outcome}${result.version !== undefined ? ` (v${result.version})` : ''}${by}`);
  const d = result.deployment;
  if (d) say(`  ${d.strategy} rollout ${d.outcome}: ${d.reason}`);
  if (sent) say(`  live traffic during the rollout: ${sent.sent} requests, ${sent.failed} failed`);
  await showAuditTrail(config, run.workflowId, say);
  expectOutcome(result, 'deployed', CHAPTER);

  const shown = await showPredictions(ctx, spec.name, rows.slice(0, 8));
  const answered = `v${result.version} was deployed but v${shown.version} answered`;
  expectStory(shown.version === result.version, CHAPTER, answered);
  return { spec, ui, correct: shown.correct, shown: shown.total };
}

/** A few real 2015 days through the predict endpoint, next to their real labels. */
async function showPredictions(ctx: DemoContext, model: string, rows: readonly WeatherRow[]) {
  const url = `${ctx.config.server.url}/v1/models/${model}/predict`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instances: rows.map(featuresOf) }),
  });
  type Prediction = { label: string; probabilities: Record<string, number> };
  const body = (await res.json()) as { version: number; predictions: Prediction[] };
  expectStory(res.ok, CHAPTER, `the model server refused the sample days: ${res.status} ${JSON.stringify(body)}`);
  ctx.say(`▶ real 2015 days sent to ${url} → served by v${body.version}`);
  rows.forEach((r, i) => {
    const p = body.predictions[i];
    const precipitation = String(r['precipitation']).padStart(5);
    const day = `${String(r['day'])} ${String(r['location']).padEnd(8)} precip ${precipitation}`;
    const predicted = `predicted ${p?.label.padEnd(7)} (${pct(p?.probabilities[p.label])})`;
    ctx.say(`  ${day}  actual ${String(r['weather']).padEnd(7)} ${predicted}`);
  });
  const correct = rows.filter((r, i) => body.predictions[i]?.label === r['weather']).length;
  return { version: body.version, correct, total: rows.length };
}
