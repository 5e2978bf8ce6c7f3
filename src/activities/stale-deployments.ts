import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { DeploymentLedger } from '../domain';

/** The status of a workflow execution (`RUNNING`, `TERMINATED`, …, or `NOT_FOUND`), through the worker's client. */
async function executionStatus(workflowId: string): Promise<string> {
  try {
    return (await Context.current().client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'NOT_FOUND';
    throw err; // Temporal unreachable: retry the activity rather than close a row that may be live
  }
}

/**
 * A deployment row left running or queued by a workflow that no longer runs (terminated, timed out) would hold
 * every later deployment of the model. A rollback — the way out of a stuck model — closes such rows as failed
 * before it records itself, inside Temporal (it used to be the CLI writing the table). Returns the ids closed.
 */
export async function closeStaleDeployments(
  deployments: DeploymentLedger,
  model: string,
  self: string,
): Promise<number[]> {
  const rows = [await deployments.running(model), ...(await deployments.queued(model))];
  const closed: number[] = [];
  for (const row of rows) {
    if (!row || row.workflowId === self) continue;
    const status = await executionStatus(row.workflowId);
    if (status === 'RUNNING') continue;
    const reason = `workflow ${row.workflowId} ended (${status}) without recording an outcome`;
    await deployments.finish(row.id, 'failed', reason, row.steps);
    closed.push(row.id);
  }
  return closed;
}
