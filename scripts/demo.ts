/**
 * `npm run demo`: the whole story on real data, the same on every run (first, second, tenth) of a data dir.
 * Starts a worker, the Python training worker and the model server next to the Temporal dev server (started by
 * demo.sh), then three chapters — 1. a release of the weather classifier (approved by a labelled demo approver,
 * or by a person with --interactive), 2. a challenger trained by scikit-learn in the Python worker, gated against
 * the built-in champion, rolled out as a canary under live traffic and rolled back, 3. monitoring, drift and a
 * retrain — and a summary. Whatever does not happen as narrated ends it with `demo failed: <reason>` and exit code 1.
 */
import { join, resolve } from 'node:path';
import { connectClient, loadAppConfig } from '../src/client';
import { startProcess, waitForHttp, type ManagedProcess } from './lib/processes';
import { startTrainingWorker } from './lib/training-worker';
import { DEMO_APPROVER, demoSettings, speedNote, type DemoContext, type DemoSettings } from './lib/demo-settings';
import { failureReport } from './lib/demo-story';
import { sample2015Days } from './lib/demo-traffic';
import { releaseChapter } from './demo-release';
import { deliveryDemo } from './demo-delivery';
import { runMonitoringDemo } from './demo-monitoring';

const root = resolve(__dirname, '..', '..');
let settings: DemoSettings = { interactive: false, fast: false, debug: false };
const say = (text = '') => process.stdout.write(`${text}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  settings = demoSettings(process.argv.slice(2), process.env);
  const config = loadAppConfig(process.env);
  const logDir = join(config.dataDir, 'logs');
  // Dev mode: the model server accepts the built-in admin token when none is set (src/domain/config.ts).
  const env = { MLOPS_DEV_MODE: 'true', ...process.env, MLOPS_DATA_DIR: resolve(config.dataDir) };
  const processes: ManagedProcess[] = [];
  const stopAll = async () => {
    for (const p of processes.reverse()) await p.stop();
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

  try {
    say('▶ three chapters on real data: 1. a release, 2. a challenger from a Python trainer (scikit-learn), its');
    say('  canary rollout and a rollback, 3. monitoring, drift and a retrain.');
    say(`  Every run tells the whole story, whatever earlier runs left in ${config.dataDir}/;`);
    say('  if a step does not happen as told, the demo stops with "demo failed: <reason>" (exit code 1).');
    const note = speedNote(settings);
    if (note) say(note);
    say(`▶ starting the model server, a worker and the Python training worker (logs in ${logDir})`);
    processes.push(startProcess('model-server', join(root, 'dist/src/serving/main.js'), env, logDir));
    processes.push(startProcess('worker', join(root, 'dist/src/workers/main.js'), env, logDir));
    const trainer = startTrainingWorker(root, env, logDir);
    processes.push(trainer.process);
    await waitForHttp(`${config.server.url}/readyz`);

    const client = await connectClient(config);
    const ctx: DemoContext = { client, config, settings, root, say };
    const rows = await sample2015Days(join(root, 'node_modules/vega-datasets/data/weather.csv'), 400);
    const release = await releaseChapter(ctx, rows);
    await deliveryDemo({ ...ctx, spec: release.spec, rows, trainerReady: trainer.ready });
    await runMonitoringDemo({ ...ctx, approver: DEMO_APPROVER });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    say(`\n✔ demo complete in ${seconds} s: ${release.correct}/${release.shown} sample days predicted correctly`);
    say(`  Web UI (runs):   ${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows`);
    say(`  the release:     ${release.ui}`);
    say(`  registry:        node dist/src/cli/main.js models`);
    say(`  The Temporal dev server keeps running for the UI; stop it with: npm run server:stop`);
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${failureReport(err, settings.debug)}\n`);
    process.exit(1);
  },
);
