import { Worker, type NativeConnection, type State, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { dataConverterFor } from '../adapters';
import type { AppConfig, WorkerRole } from '../domain';
import { workerBundlerOptions, workflowsPath } from './workflow-code';

/** The activities the built-in training queue serves: CPU-bound model fitting and scoring. */
const trainingActivityNames = ['trainCandidate', 'evaluateCandidate'] as const;

interface WorkerOptions {
  config: AppConfig;
  connection: NativeConnection;
  deps: ActivityDeps;
  workflowBundle?: WorkflowBundleOption;
  identity?: string;
  /** Default: the config's `MLOPS_WORKER_ROLE`. */
  role?: WorkerRole;
}

type Activities = ReturnType<typeof createActivities>;

/** What both queues' workers share: connection, namespace, payload codec, heartbeat flushing. */
function sharedOptions(options: WorkerOptions) {
  return {
    connection: options.connection,
    namespace: options.config.temporal.namespace,
    dataConverter: dataConverterFor(options.config), // payload encryption when configured (docs/security.md)
    // Heartbeats carry training checkpoints: flush them every 2 s rather than at 0.8 × the heartbeat timeout.
    maxHeartbeatThrottleInterval: '2s',
    defaultHeartbeatThrottleInterval: '2s',
  } as const;
}
type SharedOptions = ReturnType<typeof sharedOptions>;

/**
 * The control queue: every workflow and every activity. Training activities stay registered here because
 * runs recorded before the training queue existed (and foreign clients' runs) schedule them on this queue.
 */
function createControlWorker(options: WorkerOptions, shared: SharedOptions, activities: Activities): Promise<Worker> {
  const { config } = options;
  return Worker.create({
    ...shared,
    taskQueue: config.temporal.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath, bundlerOptions: workerBundlerOptions() }),
    activities,
    ...(options.identity ? { identity: options.identity } : {}),
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
  });
}

/** The built-in training queue: activities only (no workflow code), a few at a time on a small machine. */
function createTrainingWorker(options: WorkerOptions, shared: SharedOptions, all: Activities): Promise<Worker> {
  const { config } = options;
  return Worker.create({
    ...shared,
    taskQueue: config.temporal.builtinTrainingTaskQueue,
    activities: Object.fromEntries(trainingActivityNames.map((name) => [name, all[name]])),
    ...(options.identity ? { identity: `${options.identity}/training` } : {}),
    maxConcurrentActivityTaskExecutions: config.worker.maxTrainingActivities,
  });
}

/** The workers of one process, run and shut down together (one SDK Worker per task queue). */
export interface LifecycleWorkers {
  readonly workers: readonly Worker[];
  /** The queues polled, for logs. */
  readonly taskQueues: readonly string[];
  /** Runs until shutdown; if one worker fails, the others are shut down and the error is rethrown. */
  run(): Promise<void>;
  shutdown(): void;
  getState(): State;
}

function group(workers: Worker[]): LifecycleWorkers {
  const shutdown = () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  };
  return {
    workers,
    taskQueues: workers.map((w) => w.options.taskQueue),
    async run() {
      const runs = workers.map((w) =>
        w.run().catch((err: unknown) => {
          shutdown();
          throw err;
        }),
      );
      await Promise.all(runs);
    },
    shutdown,
    getState: () => workers[0]?.getState() ?? 'STOPPED',
  };
}

/**
 * The workers a process runs for its role: `control` (workflows + all activities on `MLOPS_TASK_QUEUE`),
 * `training` (built-in training and evaluation on the derived training queue), `all` (both: the quick start).
 */
export async function createLifecycleWorker(options: WorkerOptions): Promise<LifecycleWorkers> {
  const role = options.role ?? options.config.worker.role;
  // Built once per process and shared by both queues' workers.
  const activities = createActivities(options.deps);
  const shared = sharedOptions(options);
  const workers: Worker[] = [];
  if (role !== 'training') workers.push(await createControlWorker(options, shared, activities));
  if (role !== 'control') workers.push(await createTrainingWorker(options, shared, activities));
  return group(workers);
}
