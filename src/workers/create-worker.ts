import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { dataConverterFor } from '../adapters';
import type { AppConfig } from '../domain';

/** Where the worker finds workflow code: a prebuilt bundle when given (tests, production), else the source. */
export const workflowsPath = require.resolve('../workflows');

export async function createLifecycleWorker(options: {
  config: AppConfig;
  connection: NativeConnection;
  deps: ActivityDeps;
  workflowBundle?: WorkflowBundleOption;
  identity?: string;
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.config.temporal.namespace,
    taskQueue: options.config.temporal.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities(options.deps),
    dataConverter: dataConverterFor(options.config), // payload encryption when configured (docs/security.md)
    ...(options.identity ? { identity: options.identity } : {}),
    // Training is CPU-bound on a small machine: a few at a time keeps heartbeats flowing.
    maxConcurrentActivityTaskExecutions: options.config.worker.maxConcurrentActivities,
    ...(options.config.worker.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.config.worker.maxCachedWorkflows } : {}),
    // Training heartbeats carry the checkpoint to resume from; flush them every 2 s rather than 0.8 × timeout.
    maxHeartbeatThrottleInterval: '2s',
    defaultHeartbeatThrottleInterval: '2s',
  });
}
