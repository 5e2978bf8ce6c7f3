/**
 * What a new workflow run costs the worker before its first line runs: the SDK's reusable V8 context gives every
 * run its own instance of each module of the bundle that is not preloaded (src/workers/workflow-code.ts), so
 * every run re-evaluates their top-level code. This creates R runs of one workflow type from the prebuilt
 * bundle (dist/workflow-bundle.js) with the SDK's own `ReusableVMWorkflowCreator`, each up to its first activation
 * — no server, no worker thread — and prints the CPU time per run, the heap each run keeps, and the modules with the largest self time
 * (a second pass over a copy of the bundle whose `__webpack_require__` times every module factory).
 * Usage: node dist/bench/workflow-module-cost.js [runs=200] [workflowType=modelLifecycleWorkflow] [bundle.js]
 *        (add --expose-gc before the script for the heap figure)
 */
import { readFileSync } from 'node:fs';
import { TypedSearchAttributes } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import type { WorkflowCreateOptions } from '@temporalio/worker/lib/workflow/interface';
import { ReusableVMWorkflowCreator } from '@temporalio/worker/lib/workflow/reusable-vm';
import { defaultBundlePath } from '../src/workers/workflow-bundle';

const [runsArg = '200', workflowType = 'modelLifecycleWorkflow', bundlePath = defaultBundlePath] = process.argv.slice(2);
const RUNS = Number(runsArg);
const REQUIRE_CALL = '__webpack_modules__[moduleId].call(module.exports, module, module.exports, __webpack_require__);';

/** Self time per module id of the timed pass (time in its factory minus the factories it required). */
const selfMs = new Map<string, number>();
const stack: number[] = [];
function timeModule(moduleId: string, evaluate: () => void): void {
  const started = performance.now();
  stack.push(0);
  try {
    evaluate();
  } finally {
    const total = performance.now() - started;
    const nested = stack.pop() ?? 0;
    if (stack.length) stack[stack.length - 1] = (stack[stack.length - 1] ?? 0) + total;
    selfMs.set(moduleId, (selfMs.get(moduleId) ?? 0) + total - nested);
  }
}

/** The SDK's creator, with `__moduleTimer` in the context's globals for the timed pass. */
class TimedCreator extends ReusableVMWorkflowCreator {
  protected override injectGlobals(context: object): void {
    super.injectGlobals(context);
    Object.assign(context, { __moduleTimer: timeModule });
  }
}

const options = (i: number): WorkflowCreateOptions => ({
  info: {
    workflowId: `module-cost-${i}`, runId: `run-${i}`, workflowType, searchAttributes: {},
    typedSearchAttributes: new TypedSearchAttributes(), taskQueue: 'module-cost', namespace: 'default',
    firstExecutionRunId: `run-${i}`, originalExecutionRunId: `run-${i}`, startTime: new Date(), runStartTime: new Date(),
    taskTimeoutMs: 10_000, attempt: 1, historyLength: 3, historySize: 1000, continueAsNewSuggested: false,
    targetWorkerDeploymentVersionChanged: false, suggestedContinueAsNewReasons: [], currentBuildId: '',
    unsafe: { now: () => Date.now(), isReplaying: false, isReplayingHistoryEvents: false, random: Math.random },
  } as unknown as WorkflowCreateOptions['info'],
  randomnessSeed: [1, 2, 3, 4],
  now: Date.now(),
  showStackTraceSources: false,
});

const gc = (globalThis as { gc?: () => void }).gc;
const heapUsed = () => {
  gc?.();
  return process.memoryUsage().heapUsed;
};

/**
 * A new run: created, then its first activation (start the workflow, here without input, so it fails at its
 * input check — after its modules are loaded: src/workflows/index.ts requires them when the workflow starts).
 */
async function startRun(creator: ReusableVMWorkflowCreator, i: number) {
  const workflow = await creator.createWorkflow(options(i));
  const timestamp = msToTs(Date.now());
  await workflow.activate({
    runId: `run-${i}`, timestamp, isReplaying: false, historyLength: 3,
    jobs: [{ initializeWorkflow: { workflowType, workflowId: `module-cost-${i}`, arguments: [], attempt: 1, firstExecutionRunId: `run-${i}`, startTime: timestamp } }],
  });
  return workflow;
}

/** Starts `runs` workflows one after the other (each disposed after), then `kept` more held at once for the heap. */
async function measure(creator: ReusableVMWorkflowCreator, runs: number, kept: number) {
  for (let i = 0; i < 20; i++) await (await startRun(creator, -i - 1)).dispose(); // warm-up
  selfMs.clear();
  const batchMs: number[] = []; // CPU per run, in 5 batches: CPU time and the median move less with load
  for (let b = 0, i = 0; b < 5; b++) {
    const started = process.cpuUsage();
    for (const end = Math.round(((b + 1) * runs) / 5); i < end; i++) await (await startRun(creator, i)).dispose();
    const { user, system } = process.cpuUsage(started);
    batchMs.push((user + system) / 1000 / (runs / 5));
  }
  const msPerRun = batchMs.sort((a, b) => a - b)[2] ?? NaN;
  const before = heapUsed();
  const held = [];
  for (let i = 0; i < kept; i++) held.push(await startRun(creator, runs + i));
  const heapPerRun = (heapUsed() - before) / kept;
  for (const w of held) await w.dispose();
  return { msPerRun, heapPerRun };
}

async function main(): Promise<void> {
  const code = readFileSync(bundlePath, 'utf8');
  const sourceMap = JSON.parse(Buffer.from(code.slice(code.lastIndexOf(',') + 1), 'base64').toString('utf8')) as never;
  const bundle = (text: string) => ({ code: text, sourceMap, filename: bundlePath });
  if (!code.includes(REQUIRE_CALL)) throw new Error('the bundle has no webpack require call this bench knows how to time');
  const plain = await ReusableVMWorkflowCreator.create(bundle(code), 10_000, new Set(), undefined);
  const { msPerRun, heapPerRun } = await measure(plain, RUNS, 50);
  await plain.destroy();
  const timedCode = code.replace(REQUIRE_CALL, `globalThis.__moduleTimer(moduleId, () => { ${REQUIRE_CALL} });`);
  const timed = await TimedCreator.create(bundle(timedCode), 10_000, new Set(), undefined);
  await measure(timed, RUNS, 1);
  await timed.destroy();

  const perRun = [...selfMs].map(([id, ms]) => ({ id, ms: ms / RUNS })).sort((a, b) => b.ms - a.ms);
  const sum = (rows: { ms: number }[]) => rows.reduce((s, r) => s + r.ms, 0);
  const groups = new Map<string, number>();
  for (const r of perRun) {
    const group = r.id.replace(/^\.\/(dist\/src\/[^/]+|node_modules\/(@[^/]+\/)?[^/]+).*$/, '$1');
    groups.set(group, (groups.get(group) ?? 0) + r.ms);
  }
  const f = (ms: number) => ms.toFixed(2).padStart(7);
  console.log(`${workflowType}, ${RUNS} runs started (first activation) and disposed one after the other (SDK reusable V8 context, prebuilt bundle)`);
  console.log(`  per run: ${msPerRun.toFixed(1)} ms CPU (median of 5 batches), ${(heapPerRun / 1024).toFixed(0)} KiB of heap kept while cached${gc ? '' : ' (no --expose-gc: rough)'}`);
  console.log(`  modules evaluated per run: ${perRun.length}, their factories ${sum(perRun).toFixed(1)} ms self time (timed pass)`);
  console.log('  by package / source folder (ms per run):');
  for (const [group, ms] of [...groups].sort((a, b) => b[1] - a[1])) console.log(`    ${f(ms)}  ${group}`);
  console.log('  top modules (ms per run, self):');
  for (const r of perRun.slice(0, 25)) console.log(`    ${f(r.ms)}  ${r.id}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
