/**
 * Chapter 3 of `npm run demo`: a model trained on Seattle days is deployed and monitored by a Temporal
 * Schedule; Seattle traffic is judged fine; traffic shifts to New York days (real rows of weather.csv), the
 * next monitor run finds drift and starts a retraining child that waits for approval; once approved, v2
 * serves. Ground truth arrives through `mlops labels` like delayed labels would. Each run monitors a fresh,
 * numbered copy of the example model (see lib/demo-models.ts), so every run finds the same clean slate.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  describeMonitorSchedule,
  monitorScheduleHandle,
  sendDecision,
  startLifecycle,
  startMonitorSchedule,
  triggerMonitorRun,
  waitForStage,
} from '../src/client';
import { ArtifactStore, openRegistry } from '../src/adapters';
import { runCli } from '../src/cli/main';
import { predictRows } from '../src/domain/ml';
import { loadSpecFile } from '../src/cli/commands/run';
import {
  metricValue,
  monitorScheduleId,
  resolveMonitoring,
  scheduleUiLink,
  workflowUiLink,
  type AppConfig,
  type LifecycleResult,
  type LifecycleStatus,
  type MonitorResult,
} from '../src/domain';
import { pct } from '../src/cli/format';
import { DEMO_PAUSE_NOTE, nextDemoModelName, removeEarlierDemoSchedules } from './lib/demo-models';
import { DemoStoryError, expectOutcome, expectStage, expectStory, lifecycleResult } from './lib/demo-story';
import type { DemoContext } from './lib/demo-settings';

export interface MonitoringDemoContext extends DemoContext {
  /** Who approves when no person does (not --interactive). */
  readonly approver: string;
}

type Features = { precipitation: number; temp_max: number; temp_min: number; wind: number };
type Day = Features & { day: string; weather: string };
type Served = Day & { id: string; row: number; predicted: string };

const CHAPTER = 'chapter 3 (monitoring)';
const featuresOf = ({ precipitation, temp_max, temp_min, wind }: Day): Features => {
  return { precipitation, temp_max, temp_min, wind };
};
const accuracy = (served: readonly Served[]) => served.filter((s) => s.predicted === s.weather).length / served.length;
const versionsOf = (s: { versions: Set<number> }) => [...s.versions].join(',');

async function days(csv: string, city: string, n: number, offset: number): Promise<Day[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const reader = await c.runAndReadAll(
    `SELECT strftime(date, '%Y-%m-%d') AS day, precipitation, temp_max, temp_min, wind, weather
     FROM read_csv('${csv.replace(/'/g, "''")}') WHERE location = '${city}'
     ORDER BY hash(date), date LIMIT ${n} OFFSET ${offset}`,
  );
  const rows = reader.getRowObjectsJS() as Day[];
  c.closeSync();
  db.closeSync();
  return rows;
}

async function serve(config: AppConfig, model: string, rows: readonly Day[]) {
  const served: Served[] = [];
  const versions = new Set<number>();
  for (let i = 0; i < rows.length; i += 50) {
    const chunk = rows.slice(i, i + 50);
    const res = await fetch(`${config.server.url}/v1/models/${model}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: chunk.map(featuresOf) }),
    });
    const body = (await res.json()) as { version: number; requestId: string; predictions: { label: string }[] };
    expectStory(res.ok, CHAPTER, `the model server refused ${model} traffic: ${res.status} ${JSON.stringify(body)}`);
    versions.add(body.version);
    const predicted = (j: number) => body.predictions[j]?.label ?? '';
    chunk.forEach((d, j) => served.push({ ...d, id: body.requestId, row: j, predicted: predicted(j) }));
  }
  return { served, versions };
}

/** Accuracy of a registered version on the given days, scored offline from its artifact (it no longer serves). */
async function scoreVersion(config: AppConfig, model: string, version: number, rows: readonly Day[]): Promise<number> {
  const registry = await openRegistry(config);
  try {
    const row = await registry.getVersion(model, version);
    const { model: classifier } = await new ArtifactStore(config.artifactDir).classifier(row.artifactPath, row.artifactSha256);
    const predictions = await predictRows(classifier, rows.map((d) => ({ precipitation: d.precipitation, temp_max: d.temp_max, temp_min: d.temp_min, wind: d.wind })));
    return predictions.filter((p, i) => p.label === rows[i]?.weather).length / rows.length;
  } finally {
    await registry.close();
  }
}

const GATE_OR_STOP: LifecycleStatus['stage'][] = ['awaiting-approval', 'not-blessed', 'failed'];

export async function runMonitoringDemo(ctx: MonitoringDemoContext): Promise<void> {
  const { client, config, say } = ctx;
  const demoDir = resolve(config.dataDir, 'datasets', 'demo') // under a dataset root: labels files are confined to them;
  mkdirSync(demoDir, { recursive: true });
  const cli = async (...argv: string[]) => {
    let out = '';
    const code = await runCli(argv, (s) => (out += s), (s) => (out += s));
    say(`  $ mlops ${argv.join(' ')}\n${out.trimEnd().replace(/^/gm, '    ')}`);
    expectStory(code === 0, CHAPTER, `mlops ${argv.join(' ')} exited with ${code}`);
  };
  const decide = async (workflowId: string): Promise<LifecycleResult> => {
    if (ctx.settings.interactive) {
      say(`  approve:  node dist/src/cli/main.js approve ${workflowId} --as <your name>`);
      say(`  or use the Web UI: ${workflowUiLink(config, workflowId)}`);
    } else {
      const comment = 'approved automatically by the demo script';
      await sendDecision(client, workflowId, 'approve', { approver: ctx.approver, comment });
      say(`  approved as "${ctx.approver}"`);
    }
    return lifecycleResult(client, workflowId, CHAPTER);
  };
  const labels = async (name: string, served: readonly Served[]) => {
    // Ground truth comes after the predictions are in the log: the server writes its buffer every flushMs.
    await new Promise((r) => setTimeout(r, 2 * config.monitoring.flushMs + 250));
    const path = join(demoDir, `${name}-${Date.now()}.csv`);
    writeFileSync(path, ['request_id,row,label', ...served.map((s) => `${s.id},${s.row},${s.weather}`)].join('\n'));
    await cli('labels', path);
  };
  const report = async (run: Awaited<ReturnType<typeof triggerMonitorRun>>): Promise<MonitorResult> => {
    say(`  monitor run ${run.workflowId}\n  web UI: ${workflowUiLink(config, run.workflowId)}`);
    const result = await run.result();
    await cli('monitor', 'report', result.reportId);
    return result;
  };

  say('\n━━ 3. monitoring: a Seattle model meets New York traffic ━━');
  const example = await loadSpecFile(join(ctx.root, 'examples/seattle-weather.json'));
  const spec = { ...example.spec, name: await nextDemoModelName(config, example.spec.name) };
  say(`▶ ${spec.name}: this run's own copy of examples/seattle-weather.json. Monitoring keeps state per`);
  say('  model (the next window starts where the last report ended; labels; the retrain cooldown), so every demo');
  say("  run monitors a fresh, numbered model and finds the same clean slate; earlier runs' models and reports");
  say('  stay in the registry');
  const removed = await removeEarlierDemoSchedules(client, example.spec.name);
  if (removed.length) say(`  removed the paused schedules of earlier demo runs: ${removed.join(', ')}`);
  const csv = join(ctx.root, 'node_modules/vega-datasets/data/weather.csv');
  const reason = 'demo: a model trained on Seattle days only';
  const started = { spec, requestedBy: 'npm run demo', reason, specSource: example.source };
  const lifecycle = await startLifecycle(client, config, started);
  const link = workflowUiLink(config, lifecycle.workflowId);
  say(`▶ trained on Seattle days only (${spec.dataset.where}); web UI: ${link}`);
  const waiting = await waitForStage(client, lifecycle.workflowId, GATE_OR_STOP, 300_000);
  expectStage(waiting, 'awaiting-approval', CHAPTER);
  const ev = waiting.evaluation;
  const held = `${pct(metricValue(ev?.candidate, 'accuracy') ?? 0)} on ${ev?.testRows} held-out Seattle days`;
  say(`  v${waiting.version}: accuracy ${held}; reference profile stored with the version`);
  const first = await decide(lifecycle.workflowId);
  expectOutcome(first, 'deployed', CHAPTER);

  // Left by a run of an older data dir against the same Temporal server: start afresh.
  if (await describeMonitorSchedule(client, spec.name)) await monitorScheduleHandle(client, spec.name).delete();
  // Phase the hourly interval to now, so no scheduled run lands in the middle of the story; the demo triggers runs.
  await startMonitorSchedule(client, config, { model: spec.name, everyMs: 3_600_000, offsetMs: Date.now() });
  const schedule = await describeMonitorSchedule(client, spec.name);
  const next = schedule?.nextActionTimes[0] ?? '–';
  const scheduleLink = scheduleUiLink(config, monitorScheduleId(spec.name));
  say(`▶ monitor schedule created: every 1h (next run ${next}), overlap SKIP — ${scheduleLink}`);

  const seattle = await serve(config, spec.name, await days(csv, 'Seattle', 300, 0));
  const seattleRight = `${pct(accuracy(seattle.served))} predicted right`;
  say(`▶ 300 Seattle days served by v${versionsOf(seattle)}: ${seattleRight}; their ground truth arrives later:`);
  await labels('labels-seattle', seattle.served);
  say('▶ triggering the schedule (the hourly run, now):');
  const calm = await report(await triggerMonitorRun(client, spec.name));
  say(`  → ${calm.verdict}; retrain: ${calm.retrain.action}`);
  const calmOk = calm.verdict === 'ok' && calm.retrain.action === 'none';
  const calmWhy = `Seattle traffic was judged ${calm.verdict} (retrain: ${calm.retrain.action}), not ok`;
  expectStory(calmOk, CHAPTER, calmWhy);

  const newYork = await serve(config, spec.name, await days(csv, 'New York', 300, 0));
  const newYorkRight = `${pct(accuracy(newYork.served))} predicted right`;
  say(`\n▶ traffic shifts: 300 New York days served by v${versionsOf(newYork)}: ${newYorkRight}; labels:`);
  await labels('labels-new-york', newYork.served);
  say('▶ the next monitor run:');
  const shifted = await report(await triggerMonitorRun(client, spec.name));
  const retrainId = shifted.retrain.workflowId;
  if (shifted.retrain.action !== 'started' || retrainId === undefined) {
    const what = `${shifted.verdict}, retrain ${shifted.retrain.action}: ${shifted.retrain.detail}`;
    throw new DemoStoryError(`${CHAPTER}: New York traffic started no retrain (${what})`);
  }
  const retrainLink = workflowUiLink(config, retrainId);
  say(`  → ${shifted.verdict}: retraining child ${retrainId} (${shifted.retrain.action}) — ${retrainLink}`);
  say('    (its parent is the monitor run above)');

  const candidate = await waitForStage(client, retrainId, GATE_OR_STOP, 300_000);
  expectStage(candidate, 'awaiting-approval', CHAPTER);
  const e = candidate.evaluation;
  const why = `trigger ${candidate.trigger}, report ${candidate.reportId}`;
  const policy = resolveMonitoring(spec.monitoring).retrain;
  const weight = policy.labelledWeight === 1 ? 'no weighting' : `each labelled row weighing ${policy.labelledWeight} Seattle rows`;
  const rows = `${candidate.dataset?.rowCount} rows: Seattle snapshot + traffic labelled in the last ${policy.labelledWindow}, ${weight} (the spec's retrain data policy)`;
  say(`▶ retrain v${candidate.version} (${why}) on ${rows}`);
  const champion = `champion v${e?.champion?.version} ${pct(metricValue(e?.champion?.metrics, 'accuracy') ?? 0)}`;
  const versus = `${pct(metricValue(e?.candidate, 'accuracy') ?? 0)} vs ${champion} on the same held-out rows`;
  say(`  candidate accuracy ${versus}; waiting for approval`);
  const second = await decide(retrainId);
  say(`▶ outcome: ${second.outcome}${second.version !== undefined ? ` (v${second.version})` : ''}`);
  expectOutcome(second, 'deployed', CHAPTER);
  const freshDays = await days(csv, 'New York', 200, 300);
  const fresh = await serve(config, spec.name, freshDays);
  const before = await scoreVersion(config, spec.name, first.version as number, freshDays);
  const old = `v${first.version} on the same days: ${pct(before)}`;
  const compared = `${pct(accuracy(fresh.served))} predicted right (${old})`;
  say(`▶ 200 New York days neither version trained on, served by v${versionsOf(fresh)}: ${compared}`);
  await monitorScheduleHandle(client, spec.name).pause(DEMO_PAUSE_NOTE);
  say("▶ schedule paused now that the demo's worker stops; resume with:");
  say(`  node dist/src/cli/main.js monitor resume ${spec.name}`);
  say(`  reports: node dist/src/cli/main.js monitor status ${spec.name}`);
}
