import { proxyActivities } from '@temporalio/workflow';
import type { TrialInput, TrialOutput } from '../domain';
import { trainingStepOptions } from './activity-options';

/** The training queue's trial activity; only a training worker implements it (Python: mlops_trainer/trial.py). */
export interface TrialActivities {
  validateTrial(input: TrialInput): Promise<TrialOutput>;
}

/** Input of one trial child: the activity's input, the training queue it runs on and its UI summary. */
export interface SearchTrialInput {
  readonly trial: TrialInput;
  readonly trainingTaskQueue: string;
  readonly summary: string;
}

/**
 * One hyper-parameter search trial, a child workflow of the lifecycle: its own row in the Web UI (the trial's
 * params in its summary), its own history, its `validateTrial` activity on the training task queue. The child
 * runs on the lifecycle's queue (a TypeScript worker); only its activity needs the Python worker.
 * @param input the trial, the training task queue and the summary the parent gave it
 * @returns the trial's metrics on the validation rows
 * @throws ActivityFailure of `validateTrial` (e.g. `TrainingFailed` for params the estimator refuses)
 */
export async function hyperSearchTrialWorkflow(input: SearchTrialInput): Promise<TrialOutput> {
  const options = { ...trainingStepOptions, taskQueue: input.trainingTaskQueue, summary: input.summary };
  return proxyActivities<TrialActivities>(options).validateTrial(input.trial);
}
