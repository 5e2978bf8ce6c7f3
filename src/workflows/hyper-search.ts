import {
  ApplicationFailure,
  executeChild,
  log,
  patched,
  proxyActivities,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type {
  DatasetSnapshot,
  ExternalTraining,
  ModelSpec,
  SearchSpec,
  SearchSummary,
  TrialInput,
  TrialOutput,
  TrialParams,
  TrialResult,
} from '../domain';
import { FailureType } from '../domain/failure-types';
import { bestTrial, describeParams, planTrials, searchTrialWorkflowId, trialValue } from '../domain/hyper-search';
import { DEFAULT_TRAINING_TASK_QUEUE } from '../domain/training-spec';

import { hyperSearchTrialWorkflow, type TrialActivities } from './hyper-search-trial';

/**
 * Trials run as child workflows (one row each in the Web UI) instead of activities of the lifecycle itself.
 * Runs that started their search before this change replay on the activity branch.
 */
export const SEARCH_TRIALS_AS_CHILDREN = 'search-trials-as-children';

/** The spec with a trial's params laid over the spec's own `params`. */
export function withParams(spec: ModelSpec, params: TrialParams): ModelSpec {
  const training = spec.training as ExternalTraining;
  return { ...spec, training: { ...training, params: { ...training.params, ...params } } };
}

/**
 * Runs the search's trials, `parallelism` at a time — each a child workflow (`hyperSearchTrialWorkflow`, its
 * summary naming the params) whose `validateTrial` activity runs on the training queue — and picks the best
 * by the metric on the validation split. Deterministic: the plan comes
 * from the spec's seed and the pick breaks ties by trial index, never by completion order.
 * @throws ApplicationFailure `SpecInvalid` when no trial produced the metric (e.g. AUC of a multi-class target).
 */
export async function runSearch(args: {
  spec: ModelSpec;
  search: SearchSpec;
  snapshot: DatasetSnapshot;
  options: ActivityOptions;
  progress: (done: number, total: number) => void;
}): Promise<SearchSummary> {
  const { spec, search, snapshot, options, progress } = args;
  const plan = planTrials(search);
  const asChildren = patched(SEARCH_TRIALS_AS_CHILDREN);
  const results: TrialResult[] = [];
  let next = 0;
  const runOne = async (index: number): Promise<void> => {
    const params = plan[index] ?? {};
    const summary =
      `trial ${index + 1}/${plan.length}: ${describeParams(params)} (${search.metric} on validation rows)`;
    const trial: TrialInput = {
      spec: withParams(spec, params),
      snapshot,
      trial: { index, params },
      validation: { fraction: search.validationFraction, seed: search.seed },
    };
    const trainingTaskQueue = options.taskQueue ?? DEFAULT_TRAINING_TASK_QUEUE;
    const out = asChildren
      ? await executeChild(hyperSearchTrialWorkflow, {
          workflowId: searchTrialWorkflowId(workflowInfo().workflowId, index),
          args: [{ trial, trainingTaskQueue, summary }],
          staticSummary: summary,
        })
      : await proxyActivities<TrialActivities>({ ...options, summary }).validateTrial(trial);
    results.push({ index, params, value: trialValue(out.metrics, search.metric), metrics: out.metrics });
    progress(results.length, plan.length);
  };
  // K lanes, each taking the next trial when its last one finished.
  const lane = async (): Promise<void> => {
    while (next < plan.length) await runOne(next++);
  };
  progress(0, plan.length);
  await Promise.all(Array.from({ length: Math.min(search.parallelism, plan.length) }, lane));

  const trials = [...results].sort((a, b) => a.index - b.index);
  const best = bestTrial(trials, search.metric);
  if (best < 0) {
    throw ApplicationFailure.create({
      type: FailureType.SpecInvalid,
      message: `no search trial produced ${search.metric}${search.metric === 'auc' ? ' (AUC needs 2 classes)' : ''}`,
      nonRetryable: true,
    });
  }
  const bestParams = plan[best] ?? {};
  log.info('search picked a trial', { model: spec.name, best, params: describeParams(bestParams) });
  const { method, metric, validationFraction } = search;
  return { method, metric, validationFraction, trials, best, bestParams };
}
