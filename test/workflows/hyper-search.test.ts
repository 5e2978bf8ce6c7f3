/**
 * @jest-environment ./test/support/shared-typed-arrays-environment.js
 */
import { Worker } from '@temporalio/worker';
import { sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { bestTrial, modelSpecSchema, type ModelSpec, type SearchSummary } from '../../src/domain';
import { startStack, workflowBundle, type TestStack } from '../support/stack';
import { startTrainerFor, type PythonTrainer } from '../support/python-trainer';
import { saveHistoryIfAsked } from '../support/histories';
import { weatherSpec } from '../support/specs';

/** Hyper-parameter search on the real dev server: trials run in the Python worker, 2 at a time. */
let stack: TestStack;
let trainer: PythonTrainer;

beforeAll(async () => {
  stack = await startStack('hyper-search', { MLOPS_TRAINING_TASK_QUEUE: `test-search-${Date.now().toString(36)}` });
  await stack.startWorker();
  trainer = await startTrainerFor(stack.config);
}, 600_000); // first run on a fresh clone may install the Python requirements
afterAll(async () => {
  await trainer?.stop();
  await stack?.close();
});

const searchSpec = (name: string): ModelSpec =>
  modelSpecSchema.parse(
    weatherSpec({
      name,
      training: {
        trainer: 'sklearn',
        estimator: 'sklearn.linear_model.LogisticRegression',
        params: { max_iter: 300 },
        search: {
          method: 'grid',
          // Strong regularization (C=0.001) predicts little but the majority class; C=1 fits the weather.
          space: { C: [0.001, 1], class_weight: [null, 'balanced'] },
          parallelism: 2,
          metric: 'accuracy',
        },
      },
    }),
  );

test('grid search, 2 at a time: trials scored on validation rows, the best one trains the candidate', async () => {
  const name = 'weather-search';
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, {
    spec: searchSpec(name),
    requestedBy: 'test-suite',
  });
  const waiting = await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  const search = waiting.candidate?.search as SearchSummary;
  expect(search.trials.map((t) => t.params)).toEqual([
    { C: 0.001, class_weight: null },
    { C: 0.001, class_weight: 'balanced' },
    { C: 1, class_weight: null },
    { C: 1, class_weight: 'balanced' },
  ]);
  // Validation rows come from the training split (2190 rows, 20 % held out), never from the 732 test rows.
  search.trials.forEach((t) => expect(t.metrics.rows).toBeGreaterThan(400));
  search.trials.forEach((t) => expect(t.metrics.rows).toBeLessThan(460));
  expect(search.best).toBe(bestTrial(search.trials, 'accuracy'));
  expect(search.best).toBe(2);
  expect(search.bestParams).toEqual({ C: 1, class_weight: null });

  // Trials ran as activities on the training queue, at most 2 at once (started before another finished).
  const events = (await handle.fetchHistory()).events ?? [];
  const trials = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'validateTrial');
  expect(trials).toHaveLength(4);
  trials.forEach((e) =>
    expect(e.activityTaskScheduledEventAttributes?.taskQueue?.name).toBe(stack.config.temporal.trainingTaskQueue),
  );
  let running = 0;
  let peak = 0;
  const trialIds = new Set(trials.map((e) => String(e.eventId)));
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'validateTrial') running++;
    const done = e.activityTaskCompletedEventAttributes?.scheduledEventId;
    if (done !== undefined && done !== null && trialIds.has(String(done))) running--;
    peak = Math.max(peak, running);
  }
  expect(peak).toBe(2);

  // The registry keeps every trial's params and metric with the version; the candidate used the best params.
  const params = (await stack.registry.getVersion(name, 1)).params as Record<string, unknown>;
  expect(params).toMatchObject({ params: { max_iter: 300, C: 1, class_weight: null } });
  expect(params['hyperSearch']).toEqual(JSON.parse(JSON.stringify(search)));

  await sendDecision(stack.client, workflowId, 'reject', { approver: 'carol' });
  expect(await handle.result()).toMatchObject({ outcome: 'rejected', version: 1 });
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await handle.fetchHistory(), workflowId);
  await saveHistoryIfAsked(handle, 'lifecycle-hyper-search.json');
});
