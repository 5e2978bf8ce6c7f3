/**
 * The monitoring chapter of `npm run demo`: a model trained on Seattle days is deployed and monitored by a
 * Temporal Schedule; Seattle traffic is judged fine; traffic shifts to New York days (real rows of
 * weather.csv), the next monitor run finds drift and starts a retraining child that waits for approval;
 * once approved, v2 serves. Ground truth arrives through `mlops labels` like delayed labels would.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Client } from '@temporalio/client';
import {
  describeMonitorSchedule,
  lifecycleHandle,
  monitorScheduleHandle,
  sendDecision,
  startLifecycle,
  startMonitorSchedule,
  triggerMonitorRun,
  waitForStage,
} from '../src/client';
import { ArtifactStore, SqliteRegistry } from '../src/adapters';
import { runCli } from '../src/cli/main';
import { predictRows } from '../src/domain/ml';
import { loadSpecFile } from '../src/cli/commands/run';
import { scheduleUiLink, workflowUiLink, type AppConfig, type LifecycleResult, type MonitorResult } from '../src/domain';
import { pct } from '../src/cli/format';

export interface MonitoringDemoContext {
  readonly client: Client;
  readonly config: AppConfig;
  readonly root: string;
  readonly interactive: boolean;
  readonly approver: string;
  readonly say: (text?: string) => void;
}

type Day = { day: string; precipitation: number; temp_max: number; temp_min: number; wind: number; weather: string };
type Served = Day & { id: string; row: number; predicted: string };


async function days(csv: string, city: string, n: number, offset: number): Promise<Day[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const reader = await c.runAndReadAll(
    `SELECT strftime(date, '%Y-%m-%d') AS day, precipitation, temp_max, temp_min, wind, weather FROM read_csv('${csv.replace(/'/g, "''")}')
     WHERE location = '${city}' ORDER BY hash(date), date LIMIT ${n} OFFSET ${offset}`,
  );
  const rows = reader.getRowObjectsJS() as Day[];
  c.closeSync();
  db.closeSync();
  return rows;
}

async function serve(config: AppConfig, model: string, rows: readonly Day[]): Promise<{ served: Served[]; versions: Set<number> }> {
  const served: Served[] = [];
  const versions = new Set<number>();
  for (let i = 0; i < rows.length; i += 50) {
    const chunk = rows.slice(i, i + 50);
    const res = await fetch(`${config.server.url}/v1/models/${model}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: chunk.map(({ precipitation, temp_max, temp_min, wind }) => ({ precipitation, temp_max, temp_min, wind })) }),
    });
    const body = (await res.json()) as { version: number; requestId: string; predictions: { label: string }[] };
    if (!res.ok) throw new Error(`predict failed: ${res.status} ${JSON.stringify(body)}`);
    versions.add(body.version);
    chunk.forEach((d, j) => served.push({ ...d, id: body.requestId, row: j, predicted: body.predictions[j]?.label ?? '' }));
  }
  return { served, versions };
}

/** Accuracy of a registered version on the given days, scored offline from its artifact (it no longer serves). */
async function scoreVersion(config: AppConfig, model: string, version: number, rows: readonly Day[]): Promise<number> {
  const registry = new SqliteRegistry(config.registryPath);
  try {
    const row = registry.getVersion(model, version);
    const { model: classifier } = await new ArtifactStore(config.artifactDir).classifier(row.artifactPath, row.artifactSha256);
    const predictions = await predictRows(classifier, rows.map((d) => ({ precipitation: d.precipitation, temp_max: d.temp_max, temp_min: d.temp_min, wind: d.wind })));
    return predictions.filter((p, i) => p.label === rows[i]?.weather).length / rows.length;
  } finally {
    registry.close();
  }
}

const accuracy = (served: readonly Served[]) => served.filter((s) => s.predicted === s.weather).length / served.length;

export async function runMonitoringDemo(ctx: MonitoringDemoContext): Promise<void> {
  const { client, config, say } = ctx;
  const demoDir = resolve(config.dataDir, 'demo');
  mkdirSync(demoDir, { recursive: true });
  const cli = async (...argv: string[]) => {
    let out = '';
    const code = await runCli(argv, (s) => (out += s), (s) => (out += s));
    say(`  $ mlops ${argv.join(' ')}\n${out.trimEnd().replace(/^/gm, '    ')}`);
    if (code !== 0) throw new Error(`mlops ${argv.join(' ')} exited with ${code}`);
  };
  const decide = async (workflowId: string): Promise<LifecycleResult> => {
    if (ctx.interactive) {
      say(`  approve:  node dist/src/cli/main.js approve ${workflowId} --as <your name>\n  or use the Web UI: ${workflowUiLink(config, workflowId)}`);
    } else {
      await sendDecision(client, workflowId, 'approve', { approver: ctx.approver, comment: 'approved automatically by the demo script' });
      say(`  approved as "${ctx.approver}"`);
    }
    return lifecycleHandle(client, workflowId).result();
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

  say('\n━━ monitoring: a Seattle model meets New York traffic ━━');
  const { spec, source } = await loadSpecFile(join(ctx.root, 'examples/seattle-weather.json'));
  const csv = join(ctx.root, 'node_modules/vega-datasets/data/weather.csv');
  const lifecycle = await startLifecycle(client, config, { spec, requestedBy: 'npm run demo', reason: 'demo: a model trained on Seattle days only', specSource: source });
  say(`▶ ${spec.name}: trained on Seattle days only (${spec.dataset.where}); web UI: ${workflowUiLink(config, lifecycle.workflowId)}`);
  const waiting = await waitForStage(client, lifecycle.workflowId, ['awaiting-approval', 'not-blessed', 'failed'], 300_000);
  if (waiting.stage !== 'awaiting-approval') throw new Error(`${spec.name} stopped at ${waiting.stage}: ${waiting.failure ?? ''}`);
  say(`  v${waiting.version}: accuracy ${pct(waiting.evaluation?.candidate.accuracy ?? 0)} on ${waiting.evaluation?.testRows} held-out Seattle days; reference profile stored with the version`);
  const first = await decide(lifecycle.workflowId);
  if (first.outcome !== 'deployed') throw new Error(`${spec.name} was not deployed (${first.outcome})`);

  if (await describeMonitorSchedule(client, spec.name)) await monitorScheduleHandle(client, spec.name).delete(); // left by an earlier demo run
  // Phase the hourly interval to now, so no scheduled run lands in the middle of the story; the demo triggers runs.
  await startMonitorSchedule(client, config, { model: spec.name, everyMs: 3_600_000, offsetMs: Date.now() });
  const schedule = await describeMonitorSchedule(client, spec.name);
  say(`▶ monitor schedule created: every 1h (next run ${schedule?.nextActionTimes[0] ?? '–'}), overlap SKIP — ${scheduleUiLink(config, `monitor-${spec.name}`)}`);

  const seattle = await serve(config, spec.name, await days(csv, 'Seattle', 300, 0));
  say(`▶ 300 Seattle days served by v${[...seattle.versions].join(',')}: ${pct(accuracy(seattle.served))} predicted right; their ground truth arrives later:`);
  await labels('labels-seattle', seattle.served);
  say('▶ triggering the schedule (the hourly run, now):');
  const calm = await report(await triggerMonitorRun(client, spec.name));
  say(`  → ${calm.verdict}; retrain: ${calm.retrain.action}`);

  const newYork = await serve(config, spec.name, await days(csv, 'New York', 300, 0));
  say(`\n▶ traffic shifts: 300 New York days served by v${[...newYork.versions].join(',')}: ${pct(accuracy(newYork.served))} predicted right; labels:`);
  await labels('labels-new-york', newYork.served);
  say('▶ the next monitor run:');
  const shifted = await report(await triggerMonitorRun(client, spec.name));
  const retrainId = shifted.retrain.workflowId;
  if (!retrainId || (shifted.retrain.action !== 'started' && shifted.retrain.action !== 'already-running')) {
    throw new Error(`expected a retrain after New York traffic, got ${shifted.verdict} / ${shifted.retrain.action}: ${shifted.retrain.detail}`);
  }
  say(`  → ${shifted.verdict}: retraining child ${retrainId} (${shifted.retrain.action}) — ${workflowUiLink(config, retrainId)} (its parent is the monitor run above)`);

  const candidate = await waitForStage(client, retrainId, ['awaiting-approval', 'not-blessed', 'failed'], 300_000);
  if (candidate.stage !== 'awaiting-approval') throw new Error(`the retrain stopped at ${candidate.stage}: ${candidate.failure ?? ''}`);
  const e = candidate.evaluation;
  say(`▶ retrain v${candidate.version} (trigger ${candidate.trigger}, report ${candidate.reportId}) on ${candidate.dataset?.rowCount} rows: Seattle snapshot + labelled traffic`);
  say(`  candidate accuracy ${pct(e?.candidate.accuracy ?? 0)} vs champion v${e?.champion?.version} ${pct(e?.champion?.metrics.accuracy ?? 0)} on the same held-out rows; waiting for approval`);
  const second = await decide(retrainId);
  say(`▶ outcome: ${second.outcome}${second.version !== undefined ? ` (v${second.version})` : ''}`);
  if (second.outcome === 'deployed' && first.version !== undefined) {
    const freshDays = await days(csv, 'New York', 200, 300);
    const fresh = await serve(config, spec.name, freshDays);
    const before = await scoreVersion(config, spec.name, first.version, freshDays);
    say(`▶ 200 New York days neither version trained on, served by v${[...fresh.versions].join(',')}: ${pct(accuracy(fresh.served))} predicted right (v${first.version} on the same days: ${pct(before)})`);
  }
  await monitorScheduleHandle(client, spec.name).pause('paused by the demo: its worker stops with it');
  say(`▶ schedule paused now that the demo's worker stops; resume with: node dist/src/cli/main.js monitor resume ${spec.name}`);
  say(`  reports: node dist/src/cli/main.js monitor status ${spec.name}`);
}
