/** Workflows of the overhead and scale benchmarks: the real lifecycle, and no-op baselines. */
import {
  executeChild,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  condition,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { decideUpdate } from '../src/workflows/messages';
import { stageAttribute, versionAttribute } from '../src/workflows/search-attributes';

export * from '../src/workflows';

type Noop = { noop(step: number): Promise<number> };
const { noop } = proxyActivities<Noop>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 3 } });
const { noop: localNoop } = proxyLocalActivities<Noop>({ startToCloseTimeout: '30s' });

export async function noopChainWorkflow(steps: number): Promise<number> {
  let done = 0;
  for (let i = 0; i < steps; i++) done += await noop(i);
  return done;
}

/** The scale benchmark's baseline: a bare workflow with one no-op activity. */
export async function noopOnceWorkflow(): Promise<number> {
  return noop(0);
}

const stage = (value: string) => upsertSearchAttributes([{ key: stageAttribute, value }]);

/**
 * The scale benchmark's second baseline: the lifecycle's command sequence (lean history, direct deployment) with
 * no-op activities and no work of its own — five activities (two on a second queue), a stage upsert before each,
 * audit appends as local activities, a memo update, the `decide` Update running one activity, a child with three
 * activities. What Temporal and the SDK charge for a lifecycle's shape on this server, without our code.
 * `trainingQueue`: the second queue, as the lifecycle's training activities have theirs.
 */
export async function lifecycleShapeWorkflow(trainingQueue: string): Promise<number> {
  const { noop: train } = proxyActivities<Noop>({ taskQueue: trainingQueue, startToCloseTimeout: '30s' });
  patched('shape-v1');
  let approved = false;
  setHandler(decideUpdate, async () => {
    await noop(6);
    await localNoop(6);
    approved = true;
    return { accepted: true, gate: 'approved', stage: 'deploying', approvals: 1, quorum: 1, message: 'approved' } as const;
  });
  stage('ingesting');
  await noop(1);
  await localNoop(1);
  stage('validating');
  await noop(2);
  stage('training');
  await train(3);
  stage('evaluating');
  await train(4);
  stage('registering');
  await noop(5);
  upsertMemo({ version: 1 });
  upsertSearchAttributes([{ key: stageAttribute, value: 'awaiting-approval' }, { key: versionAttribute, value: 1 }]);
  await localNoop(5);
  await condition(() => approved);
  stage('deploying');
  await executeChild(deploymentShapeWorkflow, { args: [] });
  stage('deployed');
  await localNoop(7);
  return 7;
}

/** The deployment child's shape: a patch marker, three activities, two stage upserts. */
export async function deploymentShapeWorkflow(): Promise<number> {
  patched('shape-v1');
  await noop(1);
  stage('promoting');
  await noop(2);
  stage('finishing');
  return noop(3);
}
