/**
 * `npm run demo`: the whole story on real data. Starts a worker and the model server next to the Temporal dev
 * server (started by demo.sh), runs the weather classifier's lifecycle, approves it as a labelled demo
 * approver (or waits for a person with --interactive), sends real rows to the model server, prints a summary.
 */
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { connectClient, sendDecision, startLifecycle, waitForStage, lifecycleHandle } from '../src/client';
import { parseConfig, workflowUiLink, type LifecycleStatus } from '../src/domain';
import { loadSpecFile } from '../src/cli/commands/run';
import { startProcess, waitForHttp, type ManagedProcess } from './lib/processes';
import { showAuditTrail, showInbox } from './demo-governance';
import { deliveryDemo } from './demo-delivery';
import { runMonitoringDemo } from './demo-monitoring';
import { pct } from '../src/cli/format';

const root = resolve(__dirname, '..', '..');
const interactive = process.argv.includes('--interactive');
const DEMO_APPROVER = 'demo-approver (automated, npm run demo)';

const say = (text = '') => process.stdout.write(`${text}\n`);

async function sampleRows(csv: string, n: number): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const reader = await c.runAndReadAll(
    `SELECT location, precipitation, temp_max, temp_min, wind, weather, strftime(date, '%Y-%m-%d') AS day
     FROM read_csv('${csv.replace(/'/g, "''")}') WHERE year(date) = 2015 ORDER BY hash(date, location) LIMIT ${n}`,
  );
  const rows = reader.getRowObjectsJS();
  c.closeSync();
  db.closeSync();
  return rows as Record<string, unknown>[];
}

async function main(): Promise<void> {
  const started = Date.now();
  const config = parseConfig(process.env);
  const logDir = join(config.dataDir, 'logs');
  const env = { ...process.env, MLOPS_DATA_DIR: resolve(config.dataDir) };
  const processes: ManagedProcess[] = [];
  const stopAll = async () => {
    for (const p of processes.reverse()) await p.stop();
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

  try {
    say('▶ starting the model server and a worker (logs in ' + logDir + ')');
    processes.push(startProcess('model-server', join(root, 'dist/src/serving/main.js'), env, logDir));
    processes.push(startProcess('worker', join(root, 'dist/src/workers/main.js'), env, logDir));
    await waitForHttp(`${config.server.url}/readyz`);

    const { spec, source } = await loadSpecFile(join(root, 'examples/weather-classifier.json'));
    const client = await connectClient(config);
    const run = await startLifecycle(client, config, { spec, requestedBy: 'npm run demo', reason: 'demo: first production model', specSource: source });
    const ui = workflowUiLink(config, run.workflowId, run.runId);
    say(`▶ lifecycle started for ${spec.name}\n  workflow: ${run.workflowId}\n  web UI:   ${ui}`);

    const waiting: LifecycleStatus = await waitForStage(client, run.workflowId, ['awaiting-approval', 'not-blessed', 'failed'], 300_000);
    if (waiting.stage !== 'awaiting-approval') throw new Error(`lifecycle stopped at ${waiting.stage}: ${waiting.failure ?? ''}`);
    const e = waiting.evaluation;
    say(`▶ ingested ${waiting.dataset?.rowCount} rows (snapshot ${waiting.dataset?.id.slice(0, 12)}), validation passed`);
    say(`▶ trained v${waiting.version}: accuracy ${pct(e?.candidate.accuracy)}, macro-F1 ${e?.candidate.macroF1.toFixed(3)}, log-loss ${e?.candidate.logLoss.toFixed(3)} on ${e?.testRows} held-out rows`);
    if (e?.champion) say(`  champion v${e.champion.version}: accuracy ${pct(e.champion.metrics.accuracy)}`);
    say(`▶ waiting for approval (signal "approve" or "reject")`);
    await showInbox(client, config, run.workflowId, say);

    if (interactive) {
      say(`  approve:  node dist/src/cli/main.js approve ${run.workflowId} --as <your name>`);
      say(`  or:       temporal workflow signal --workflow-id ${run.workflowId} --name approve --input '{"approver":"<your name>"}'`);
      say(`  or use the Web UI: ${ui}`);
    } else {
      await sendDecision(client, run.workflowId, 'approve', { approver: DEMO_APPROVER, comment: 'approved automatically by the demo script' });
      say(`  approved as "${DEMO_APPROVER}"`);
    }
    const result = await lifecycleHandle(client, run.workflowId).result();
    say(`▶ outcome: ${result.outcome}${result.version !== undefined ? ` (v${result.version})` : ''}${result.decision ? ` by ${result.decision.approver}` : ''}`);
    showAuditTrail(config, run.workflowId, say);
    if (result.outcome !== 'deployed') return;

    const rows = await sampleRows(spec.dataset.path, 8);
    const res = await fetch(`${config.server.url}/v1/models/${spec.name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: rows.map(({ weather: _label, day: _day, ...features }) => features) }),
    });
    const body = (await res.json()) as { version: number; predictions: { label: string; probabilities: Record<string, number> }[] };
    if (!res.ok) throw new Error(`predict failed: ${res.status} ${JSON.stringify(body)}`);
    say(`▶ real 2015 days sent to ${config.server.url}/v1/models/${spec.name}/predict → served by v${body.version}`);
    rows.forEach((r, i) => {
      const p = body.predictions[i];
      say(`  ${String(r['day'])} ${String(r['location']).padEnd(8)} precip ${String(r['precipitation']).padStart(5)}  actual ${String(r['weather']).padEnd(7)} predicted ${p?.label.padEnd(7)} (${pct(p?.probabilities[p.label])})`);
    });
    const correct = rows.filter((r, i) => body.predictions[i]?.label === r['weather']).length;
    const liveRows = (await sampleRows(spec.dataset.path, 400)).map(({ weather: _label, day: _day, ...features }) => features);
    await deliveryDemo({ client, config, spec, rows: liveRows, approver: DEMO_APPROVER, say });
    await runMonitoringDemo({ client, config, root, interactive, approver: DEMO_APPROVER, say });
    say(`\n✔ demo complete in ${((Date.now() - started) / 1000).toFixed(1)} s: ${correct}/${rows.length} sample days predicted correctly`);
    say(`  Web UI (runs):   ${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows`);
    say(`  this run:        ${ui}`);
    say(`  registry:        node dist/src/cli/main.js models`);
    say(`  The Temporal dev server keeps running for the UI; stop it with: npm run server:stop`);
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${(err as Error).stack}\n`);
    process.exit(1);
  },
);
