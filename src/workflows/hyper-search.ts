import { ApplicationFailure, log, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import {
  FailureType,
  bestTrial,
  describeParams,
  planTrials,
  trialValue,
  type DatasetSnapshot,
  type ExternalTraining,
  type ModelSpec,
  type SearchSpec,
  type SearchSummary,
  type TrialInput,
  type TrialOutput,
  type TrialParams,
  type TrialResult,
} from '../domain';

/** The training queue's trial activity; only a training worker implements it (Python: mlops_trainer/trial.py). */
interface TrialActivities {
  validateTrial(input: TrialInput): Promise<TrialOutput>;
}

/** The spec with a trial's params laid over the spec's own `params`. */
export function withParams(spec: ModelSpec, params: TrialParams): ModelSpec {
  const training = spec.training as ExternalTraining;
  return { ...spec, training: { ...training, params: { ...training.params, ...params } } };
}

/**
 * Runs the search's trials on the training queue, `parallelism` at a time (each an activity whose UI summary
 * names its params), and picks the best by the metric on the validation split. Deterministic: the plan comes
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
  const results: TrialResult[] = [];
  let next = 0;
  const runOne = async (index: number): Promise<void> => {
    const params = plan[index] ?? {};
    const summary =
      `trial ${index + 1}/${plan.length}: ${describeParams(params)} (${search.metric} on validation rows)`;
    const { validateTrial } = proxyActivities<TrialActivities>({ ...options, summary });
    const out = await validateTrial({
      spec: withParams(spec, params),
      snapshot,
      trial: { index, params },
      validation: { fraction: search.validationFraction, seed: search.seed },
    });
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
