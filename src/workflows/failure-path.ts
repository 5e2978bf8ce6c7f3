import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  TimeoutFailure,
  isCancellation,
} from '@temporalio/workflow';

/**
 * `patched()` id of the failure path (stage `failed` with the reason, version marked, `lifecycle.failed` in
 * the audit trail): runs that failed before it existed replay without it.
 */
export const FAILURE_PATH_PATCH = 'failure-path-v1';

/**
 * One line saying why a step failed, from the outside in: which child workflow, which activity, then the
 * failure's type and message, e.g.
 * `activity trainCandidate → TrainingFailed: training split … has fewer than 2 classes`.
 */
export function describeFailure(err: unknown): string {
  if (isCancellation(err)) return 'cancelled';
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (e instanceof ActivityFailure) parts.push(`activity ${e.activityType}`);
    else if (e instanceof ChildWorkflowFailure) parts.push(`child workflow ${e.execution.workflowId}`);
    else if (e instanceof ApplicationFailure) parts.push(e.type ? `${e.type}: ${e.message}` : e.message);
    else if (e instanceof TimeoutFailure) parts.push(`timed out (${e.timeoutType})`);
    else parts.push(e.message);
  }
  return parts.join(' → ') || String(err);
}
