import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';

/**
 * `patched()` id of the lean history of lifecycles and deployments (README "Benchmarks", scale — throughput).
 * Runs that record it:
 * - take every earlier patch of their workflow as given (`audit-names-by-kind-v1`, `run-memo-v1`,
 *   `builtin-training-queue-v1`, `failure-path-v1`) without asking: each `patched()` call writes a marker and
 *   a `TemporalChangeVersion` upsert, two events per patch and run;
 * - write a search attribute or memo field only when its value changes: what the start already set (the client,
 *   the parent of a deployment) is not written again, and what one workflow task sets goes in one upsert;
 * - register, profile and snapshot the approver directory in one activity (`registerWithReferenceProfile`).
 * Runs recorded before it replay their own branch, patch by patch.
 */
export const LEAN_HISTORY_PATCH = 'lean-history-v1';

/** Upserts the pairs whose value differs from the run's current search attributes, as one command (or none). */
export function upsertChangedSearchAttributes(pairs: SearchAttributeUpdatePair[]): void {
  const current = workflowInfo().typedSearchAttributes;
  const changed = pairs.filter((p) => current.get(p.key) !== p.value);
  if (changed.length) upsertSearchAttributes(changed);
}
