import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lifecycleHandle, sendDecision, startLifecycle, watchWorkflow, type WatchEvent } from '../../src/client';
import { parseModelSpec, type ModelSpec } from '../../src/domain';
import type { ActivityDeps } from '../../src/activities';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { runCompiled } from '../support/processes';
import { tempDir } from '../support/paths';

/** Resolves once `seen` accepts an event the watch reported; the worker's held steps wait on these. */
function eventLatch(accept: (e: WatchEvent) => boolean) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, offer: (e: WatchEvent) => accept(e) && open() };
}

const ingestSeen = eventLatch((e) => e.type === 'progress' && e.activityType === 'ingestDataset' && !!e.step);
const trainingSeen = eventLatch((e) => e.type === 'progress' && e.activityType === 'trainCandidate' && !!e.epochs);
const allStages = ['starting', 'ingesting', 'validating', 'training', 'evaluating', 'registering', 'awaiting-approval'];

/**
 * The real adapters, except that ingest and storing the trained artifact wait until the watch has reported the
 * step's progress: the steps are otherwise too quick on this data for a poller to be sure to see them run.
 */
function heldUntilWatched(deps: ActivityDeps): ActivityDeps {
  const datasets = new Proxy(deps.datasets, {
    get(target, property) {
      if (property !== 'ingest') return Reflect.get(target, property, target) as unknown;
      return async (...args: Parameters<typeof target.ingest>) => {
        await ingestSeen.opened;
        return target.ingest(...args);
      };
    },
  });
  const artifacts = new Proxy(deps.artifacts, {
    get(target, property) {
      if (property !== 'put') return Reflect.get(target, property, target) as unknown;
      return async (...args: Parameters<typeof target.put>) => {
        await trainingSeen.opened;
        return target.put(...args);
      };
    },
  });
  return { ...deps, datasets, artifacts };
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack('watch');
  await stack.startWorker(heldUntilWatched);
});
afterAll(async () => stack?.close());

function spec(name: string): ModelSpec {
  const parsed = parseModelSpec(weatherSpec({ name }));
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.spec;
}

test('watch reports stages and step progress of a real run and ends at the approval gate', async () => {
  const started = await startLifecycle(stack.client, stack.config, {
    spec: spec('weather-watch'),
    requestedBy: 'watcher',
  });
  const events: WatchEvent[] = [];
  const end = await watchWorkflow(stack.client, started.workflowId, {
    intervalMs: 100,
    onEvent: (e) => {
      events.push(e);
      ingestSeen.offer(e);
      trainingSeen.offer(e);
    },
  });
  expect(end).toEqual({ reason: 'waiting-for-person', execution: 'RUNNING', stage: 'awaiting-approval' });

  const stages = events.filter((e) => e.type === 'stage').map((e) => (e as { stage: string }).stage);
  // Every stage, in order: they come from the run's history, so none is missed however quick.
  expect(stages).toEqual(allStages);
  const training = events.find((e) => e.type === 'progress' && e.activityType === 'trainCandidate' && e.epochs);
  expect(training).toMatchObject({ epoch: expect.any(Number), attempt: 1, workflowId: started.workflowId });
  const ingest = { type: 'progress', activityType: 'ingestDataset', step: expect.stringMatching(/^ingest /) };
  expect(events).toContainEqual(expect.objectContaining(ingest));
  expect(events).toContainEqual(expect.objectContaining({ type: 'activity-closed', activityType: 'trainCandidate' }));
  expect(events[events.length - 1]).toMatchObject({ type: 'end', reason: 'waiting-for-person' });
});

test('mlops watch and run --watch: JSON lines and plain lines, ending at the gate', async () => {
  const specPath = join(tempDir('watch-spec'), 'spec.json');
  writeFileSync(specPath, JSON.stringify(weatherSpec({ name: 'weather-watch-cli' })));
  const mlops = (...args: string[]) => runCompiled('src/cli/main.js', args, stack.env);
  const run = await mlops('run', specPath, '--as', 'cli', '--watch', '--json');
  expect(run.code).toBe(0);
  type Line = { type: string; workflowId: string; stage?: string };
  const lines = run.output.trim().split('\n').map((l) => JSON.parse(l) as Line);
  expect(lines[0]).toMatchObject({ type: 'started', model: 'weather-watch-cli' });
  expect(lines.filter((l) => l.type === 'stage').map((l) => l.stage)).toEqual(allStages);
  const end = { type: 'end', reason: 'waiting-for-person', stage: 'awaiting-approval' };
  expect(lines[lines.length - 1]).toMatchObject(end);

  // Watching a run that already waits: its story so far, then the end at once; plain lines off a terminal.
  const plain = await mlops('watch', lines[0]!.workflowId);
  expect(plain.code).toBe(0);
  expect(plain.output).toMatch(/stage awaiting-approval\n.*waiting for a person \(awaiting-approval\)/);

  // A closed run: its whole story, past the gate it once waited at, to the end.
  await sendDecision(stack.client, lines[0]!.workflowId, 'approve', { approver: 'alice' });
  await lifecycleHandle(stack.client, lines[0]!.workflowId).result();
  const closed = await mlops('watch', lines[0]!.workflowId);
  expect(closed.code).toBe(0);
  expect(closed.output).toMatch(/stage awaiting-approval\n.*stage deploying\n.*stage deployed\n.*run completed/);
});
