import { MockActivityEnvironment } from '@temporalio/testing';
import { SqliteRegistry, type NewDeployment } from '../../src/adapters';
import { heartbeatWhile } from '../../src/activities/heartbeat';
import type { DeploymentLedger } from '../../src/domain';

const release = (toVersion: number, workflowId = `deploy-m-v${toVersion}`): NewDeployment => ({
  model: 'm',
  kind: 'release',
  strategy: 'canary',
  fromVersion: null,
  toVersion,
  actor: 'alice',
  workflowId,
  runId: 'run-1',
});

describe('the deployments queue (one model, first come first served)', () => {
  let registry: SqliteRegistry;
  let store: DeploymentLedger;
  let production: number | null;
  const plan = () => ({ fromVersion: production, strategy: production === null ? ('direct' as const) : ('canary' as const) });
  beforeEach(async () => {
    registry = new SqliteRegistry(':memory:');
    store = registry.deployments;
    production = null;
  });
  afterEach(() => registry.close());

  test('the first runs at once; later ones queue behind it, each told what it waits for and how many are ahead', async () => {
    const first = await store.begin(release(1), plan);
    expect(first).toMatchObject({ row: { state: 'running', strategy: 'direct', fromVersion: null, queuedAt: null }, waitingFor: null });
    const second = await store.begin(release(2), plan);
    const third = await store.begin(release(3), plan);
    expect(second).toMatchObject({ row: { state: 'queued', queuedAt: expect.any(String) }, waitingFor: { deploymentId: first.row.id, version: 1, state: 'running', ahead: 1 } });
    expect(third.waitingFor).toMatchObject({ deploymentId: first.row.id, ahead: 2 });
    // The same run asking again (an activity retry) gets its row back, not a second one.
    expect((await store.begin(release(2), plan)).row.id).toBe(second.row.id);
    expect((await store.queued('m')).map((r) => r.toVersion)).toEqual([2, 3]);
  });

  test('a claim succeeds only for the oldest queued once nothing runs, and plans from the production of that moment', async () => {
    const first = await store.begin(release(1), plan);
    const second = await store.begin(release(2), plan);
    const third = await store.begin(release(3), plan);
    expect((await store.claim(third.row.id, plan)).waitingFor).toMatchObject({ deploymentId: first.row.id });
    production = 1;
    await store.finish(first.row.id, 'promoted', 'done', []);
    // Nothing runs now, but v2 is ahead of v3: v3 waits for it even though it asked first.
    expect((await store.claim(third.row.id, plan)).waitingFor).toMatchObject({ deploymentId: second.row.id, state: 'queued', ahead: 1 });
    expect(await store.claim(second.row.id, plan)).toMatchObject({ row: { state: 'running', fromVersion: 1, strategy: 'canary' }, waitingFor: null });
    expect((await store.claim(second.row.id, plan)).row.state).toBe('running'); // a retried claim changes nothing
    // A newcomer queues behind v3, not ahead of it, even in the moment nothing runs.
    await store.finish(second.row.id, 'rolled-back', 'guard tripped', []);
    expect((await store.begin(release(4), plan)).waitingFor).toMatchObject({ deploymentId: third.row.id, state: 'queued' });
  });

  test('a queued deployment that gives up is closed, and the line moves past it', async () => {
    const first = await store.begin(release(1), plan);
    const second = await store.begin(release(2), plan);
    const third = await store.begin(release(3), plan);
    await store.finish(second.row.id, 'failed', 'cancelled while queued', []);
    await store.finish(first.row.id, 'promoted', 'done', []);
    expect(await store.claim(third.row.id, plan)).toMatchObject({ row: { state: 'running' }, waitingFor: null });
    expect((await store.claim(second.row.id, plan)).row).toMatchObject({ state: 'failed', outcomeReason: 'cancelled while queued' });
  });
});

test('heartbeatWhile heartbeats at once, then on an interval while the work runs, with the progress the work reports', async () => {
  const env = new MockActivityEnvironment();
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  let finish: () => void = () => undefined;
  const result = env.run(() =>
    heartbeatWhile(
      { step: 'scan' },
      async (progress) => {
        await new Promise<void>((resolve) => {
          finish = resolve;
          progress({ step: 'half way' });
        });
        return 42;
      },
      5,
    ),
  );
  // The interval keeps beating while the work waits; resolve once a few interval beats arrived.
  await new Promise<void>((resolve) => {
    const check = () => (beats.length >= 4 ? resolve() : setImmediate(check));
    check();
  });
  finish();
  expect(await result).toBe(42);
  expect(beats[0]).toEqual({ step: 'scan' });
  expect(beats[1]).toEqual({ step: 'half way' });
  expect(beats.slice(2).every((b) => JSON.stringify(b) === JSON.stringify({ step: 'half way' }))).toBe(true);
});
