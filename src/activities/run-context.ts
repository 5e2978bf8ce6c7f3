import { Context } from '@temporalio/activity';

/** The workflow run that scheduled the current activity; registry writes are keyed on it for idempotency. */
export function currentWorkflowRun(): { workflowId: string; runId: string } {
  const exec = Context.current().info.workflowExecution;
  if (!exec) throw new Error('this activity must run on behalf of a workflow');
  return { workflowId: exec.workflowId, runId: exec.runId };
}
