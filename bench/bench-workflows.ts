/** Workflows of the overhead benchmark: the real lifecycle, and a bare chain of no-op activities as baseline. */
import { proxyActivities } from '@temporalio/workflow';

export * from '../src/workflows';

const { noop } = proxyActivities<{ noop(step: number): Promise<number> }>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 3 } });

export async function noopChainWorkflow(steps: number): Promise<number> {
  let done = 0;
  for (let i = 0; i < steps; i++) done += await noop(i);
  return done;
}

/** The scale benchmark's baseline: a bare workflow with one no-op activity. */
export async function noopOnceWorkflow(): Promise<number> {
  return noop(0);
}
