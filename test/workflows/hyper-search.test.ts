/**
 * @jest-environment ./test/support/shared-typed-arrays-environment.js
 */
import { Worker } from '@temporalio/worker';
import { sendDecision, startLifecycle, waitForStage } from '../../src/client';
import {
  bestTrial,
  modelSpecSchema,
  searchTrialWorkflowId,
  type ModelSpec,
  type SearchSummary,
} from '../../src/domain';
import { startStack, workflowBundle, type TestStack } from '../support/stack';
import { startTrainerFor, type PythonTrainer } from '../support/python-trainer';
import { saveHistoryIfAsked } from '../support/histories';
import { weatherSpec } from '../support/specs';

/** Hyper-parameter search on the real dev server: trials are child workflows, run in the Python worker 2 at a time. */
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

  // Trials ran as child workflows (rows of their own in the Web UI), at most 2 at once (one started before
  // another finished), each with its validateTrial activity on the training queue.
  const events = (await handle.fetchHistory()).events ?? [];
  const started = events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
  expect(started.map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId)).toEqual(
    [0, 1, 2, 3].map((i) => searchTrialWorkflowId(workflowId, i)),
  );
  const types = started.map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name);
  expect(types).toEqual(Array(4).fill('hyperSearchTrialWorkflow'));
  // The child's summary in the Web UI names the trial and its params.
  const summary = Buffer.from(started[2]?.userMetadata?.summary?.data ?? new Uint8Array()).toString('utf8');
  expect(summary).toContain('trial 3/4: C=1');
  const activityTypes = events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
  expect(activityTypes).not.toContain('validateTrial');
  let running = 0;
  let peak = 0;
  for (const e of events) {
    if (e.startChildWorkflowExecutionInitiatedEventAttributes) running++;
    if (e.childWorkflowExecutionCompletedEventAttributes) running--;
    peak = Math.max(peak, running);
  }
  expect(peak).toBe(2);
  const child = stack.client.workflow.getHandle(searchTrialWorkflowId(workflowId, 2));
  const childEvents = (await child.fetchHistory()).events ?? [];
  const scheduled = childEvents.find((e) => e.activityTaskScheduledEventAttributes);
  const activity = scheduled?.activityTaskScheduledEventAttributes;
  expect(activity).toMatchObject({
    activityType: { name: 'validateTrial' },
    taskQueue: { name: stack.config.temporal.trainingTaskQueue },
  });
  expect(await child.result()).toMatchObject({ index: 2, metrics: search.trials[2]?.metrics });

  // The registry keeps every trial's params and metric with the version; the candidate used the best params.
  const params = (await stack.registry.getVersion(name, 1)).params as Record<string, unknown>;
  expect(params).toMatchObject({ params: { max_iter: 300, C: 1, class_weight: null } });
  expect(params['hyperSearch']).toEqual(JSON.parse(JSON.stringify(search)));

  await sendDecision(stack.client, workflowId, 'reject', { approver: 'carol' });
  expect(await handle.result()).toMatchObject({ outcome: 'rejected', version: 1 });
  const bundle = { workflowBundle: await workflowBundle() };
  await Worker.runReplayHistory(bundle, await handle.fetchHistory(), workflowId);
  await Worker.runReplayHistory(bundle, await child.fetchHistory(), child.workflowId);
  // lifecycle-hyper-search.json (trials as activities, before the patch) stays: it replays the old branch.
  await saveHistoryIfAsked(handle, 'lifecycle-hyper-search-children.json');
  await saveHistoryIfAsked(child, 'hyper-search-trial.json');
});
