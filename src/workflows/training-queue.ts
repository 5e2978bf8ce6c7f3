import { patched, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import { builtinTrainingQueueOf } from '../domain/training-spec';

/** `patched()` id of routing built-in training and evaluation to the training queue. */
export const TRAINING_QUEUE_PATCH = 'builtin-training-queue-v1';

/**
 * The queue this run's built-in training and evaluation go to: `<control queue>-builtin-training`, served by
 * workers of role `training` or `all`. Runs recorded before the patch scheduled them on the control queue
 * (whose workers still serve them), so for those this is undefined and nothing changes on replay. `lean`: the
 * run took `lean-history-v1`, which implies this patch.
 */
export function builtinTrainingQueue(lean = false): string | undefined {
  return lean || patched(TRAINING_QUEUE_PATCH) ? builtinTrainingQueueOf(workflowInfo().taskQueue) : undefined;
}

/** The options on `taskQueue` when one is given, else unchanged (the run's own queue). */
export const onQueue = (options: ActivityOptions, taskQueue: string | undefined): ActivityOptions =>
  taskQueue ? { ...options, taskQueue } : options;
