/**
 * `npm run ui:check` (via scripts/ui-check.sh, which starts the dev server with its Web UI): what a person sees
 * in the Temporal Web UI. Starts a worker and one lifecycle of examples/weather-classifier.json, waits for it
 * at the approval gate, then has headless Chromium (Debian's `chromium`) screenshot and render
 *   1. the workflow list filtered by our search attribute (`MlopsModel="…"`),
 *   2. the lifecycle's pages: event history, user metadata (summary, details, current details at the gate),
 *      memo (model, requester, spec source) and search attributes,
 * into .data/ui-check/ (git-ignored), and checks the rendered DOM for the text a person should read there.
 * Exit 0 when every check holds; otherwise it names the missing text and leaves the HTML next to the PNGs.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connectClient, describeLifecycle, startLifecycle, waitForStage } from '../src/client';
import { parseConfig, workflowUiLink } from '../src/domain';
import { loadSpecFile } from '../src/cli/commands/run';
import { HeadlessChromium } from './lib/headless-chromium';
import { startProcess, type ManagedProcess } from './lib/processes';

const root = resolve(__dirname, '..', '..');
const outDir = join(root, '.data', 'ui-check');
const say = (s: string) => process.stdout.write(`${s}\n`);

/** Screenshot, rendered HTML and visible text of one page, once it shows `wanted`; returns what it lacks. */
async function check(browser: HeadlessChromium, name: string, url: string, wanted: string[]): Promise<string[]> {
  const page = await browser.capture(url, wanted);
  writeFileSync(join(outDir, `${name}.png`), page.png);
  writeFileSync(join(outDir, `${name}.html`), page.html);
  writeFileSync(join(outDir, `${name}.txt`), page.text);
  say(`  ${name}: ${join(outDir, `${name}.png`)}\n    ${url}`);
  for (const w of wanted) if (!page.missing.includes(w)) say(`  ✔ ${name} shows "${w}"`);
  return page.missing.map((w) => `${name} does not show "${w}"`);
}

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const env = { ...process.env, MLOPS_DATA_DIR: resolve(config.dataDir) };
  const processes: ManagedProcess[] = [];
  try {
    processes.push(startProcess('worker', join(root, 'dist/src/workers/main.js'), env, join(outDir, 'logs')));
    const client = await connectClient(config);
    const { spec, source } = await loadSpecFile(join(root, 'examples/weather-classifier.json'));
    const model = `ui-check-${Date.now().toString(36)}`;
    const requestedBy = 'ui-checker';
    const started = await startLifecycle(client, config, { spec: { ...spec, name: model }, requestedBy,
      specSource: source, reason: 'Web UI check' });
    say(`▶ lifecycle ${started.workflowId} started; waiting for the approval gate`);
    await waitForStage(client, started.workflowId, ['awaiting-approval'], 300_000);
    const described = await describeLifecycle(client, started.workflowId);
    say(`  at the gate: stage ${described.status?.stage}, version ${described.status?.version}`);

    const ns = encodeURIComponent(config.temporal.namespace);
    const query = encodeURIComponent(`MlopsModel="${model}"`);
    const browser = await HeadlessChromium.launch(process.env['CHROMIUM'] ?? 'chromium');
    const problems: string[] = [];
    try {
      const listUrl = `${config.temporal.uiUrl}/namespaces/${ns}/workflows?query=${query}`;
      problems.push(...await check(browser, 'workflow-list', listUrl,
        [started.workflowId, 'modelLifecycleWorkflow', 'Running']));
      const run = workflowUiLink(config, started.workflowId, started.runId).replace(/\/history$/, '');
      problems.push(...await check(browser, 'lifecycle-history', `${run}/history`, [started.workflowId, 'Running']));
      // The "User Metadata" tab: the static summary and details, and the current details set at the gate.
      problems.push(...await check(browser, 'lifecycle-user-metadata', `${run}/user-metadata`, [
        `${model}: train → evaluate → approve → deploy (requested by ${requestedBy})`,
        'stage awaiting-approval',
        `requested by ${requestedBy} (manual): Web UI check`,
        'machine gate: blessed',
      ]));
      problems.push(...await check(browser, 'lifecycle-memo', `${run}/memo`,
        ['requestedBy', requestedBy, 'specSource', source, 'kind', 'lifecycle', model]));
      problems.push(...await check(browser, 'lifecycle-search-attributes', `${run}/search-attributes`,
        ['MlopsModel', model, 'MlopsStage', 'awaiting-approval', 'MlopsVersion']));
    } finally {
      await browser.close();
    }
    if (problems.length) throw new Error(`${problems.join('\n')}\n(see ${outDir}/*.html and *.png)`);
    say(`✔ the Web UI shows the run as expected; screenshots in ${outDir}`);
  } finally {
    for (const p of processes.reverse()) await p.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ui check failed: ${(err as Error).message}\n`);
  process.exit(1);
});
