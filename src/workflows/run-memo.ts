import { patched, upsertMemo, workflowInfo } from '@temporalio/workflow';
import { runMemo, type RunMemo } from '../domain/run-memo';

/**
 * Runs started before the memo existed have no `UpsertWorkflowMemo` command in their histories; behind this patch
 * they replay as they ran, and new runs record it.
 */
export const RUN_MEMO_PATCH = 'run-memo-v1';

/**
 * Sets (or extends: fields are merged) the run's memo. Clients set it at start too; doing it here also covers
 * runs started by a workflow or a schedule and adds what is learned later (a lifecycle's version).
 * `lean` (runs under the `lean-history-v1` patch): no patch of its own, and only the fields that change.
 */
export function upsertRunMemo(memo: Partial<RunMemo>, lean = false): void {
  if (lean) {
    const current = workflowInfo().memo ?? {};
    const changed = Object.entries(runMemo(memo as RunMemo)).filter(([k, v]) => current[k] !== v);
    if (changed.length) upsertMemo(Object.fromEntries(changed));
    return;
  }
  if (!patched(RUN_MEMO_PATCH)) return;
  upsertMemo(runMemo(memo as RunMemo));
}
