import type { temporal } from '@temporalio/proto';
import { describeLifecycle, sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { modelSpecSchema, type AuditEventKind } from '../../src/domain';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { spawnCompiled } from '../support/processes';

type Spawned = ReturnType<typeof spawnCompiled>;
let stack: TestStack;
const spawned: Spawned[] = [];
beforeAll(async () => {
  stack = await startStack('audit-crash');
});
afterAll(async () => {
  for (const w of spawned) {
    if (w.child.exitCode === null && w.child.signalCode === null) {
      w.child.kill('SIGKILL');
      await w.exited;
    }
  }
  await stack?.close();
});

/** A real worker process whose audit adapter SIGKILLs it right after committing a batch holding `kind`. */
function crashingWorker(kind: AuditEventKind): Spawned {
  const env = { ...stack.env, MLOPS_TEST_CRASH_AFTER_AUDIT: kind };
  const worker = spawnCompiled('test/support/audit-crash-worker.js', [], env);
  spawned.push(worker);
  return worker;
}

async function killedAfterStoring(worker: Spawned, kind: AuditEventKind): Promise<void> {
  await worker.exited;
  expect(worker.child.signalCode).toBe('SIGKILL');
  // Lean runs (patch lean-history-v1) reach the gate in the task that blesses: one batch holds both events.
  expect(worker.output()).toMatch(new RegExp(`batch with ${kind} committed \\([12] inserted\\); SIGKILL`));
}

/** The results of the run's `appendAuditEvents` local activities, as their markers in the history hold them. */
type AppendResult = { inserted: number; alreadyStored: number };
function auditAppendsInHistory(events: temporal.api.history.v1.IHistoryEvent[]): AppendResult[] {
  const decode = (data: Uint8Array | null | undefined): unknown => JSON.parse(Buffer.from(data ?? []).toString());
  return events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_local_activity') return [];
    const info = decode(marker.details?.['data']?.payloads?.[0]?.data) as { activity_type: string };
    const result = marker.details?.['result']?.payloads?.[0]?.data;
    return info.activity_type === 'appendAuditEvents' && result ? [decode(result) as AppendResult] : [];
  });
}

test('worker killed after storing an audit batch, before its task completed: the run completes', async () => {
  // A deadline puts values derived from workflow time (openedAt, deadline) in approval.requested: the retry's differ.
  const spec = modelSpecSchema.parse(weatherSpec({ name: 'audit-crash', approval: { timeout: '1h' } }));
  // Crash 1: right after approval.requested is stored; the retried task stamps it (and its deadline) later.
  const first = crashingWorker('approval.requested');
  const { workflowId, runId, handle } = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'rita' });
  await killedAfterStoring(first, 'approval.requested');

  // Crash 2, the case: right after model.deployed is stored, the last event before the run completes.
  const second = crashingWorker('model.deployed');
  await waitForStage(stack.client, workflowId, ['awaiting-approval'], 180_000);
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'alice' });
  await killedAfterStoring(second, 'model.deployed');
  // A late decision while no worker runs: the retried task handles this signal before its completions, so it
  // records decision.refused before model.deployed — events are named by kind, so the re-append still matches.
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'late-larry' });

  await stack.startWorker();
  expect(await handle.result()).toMatchObject({ outcome: 'deployed', version: 1 });

  const trail = (await stack.registry.audit.list({ workflowId, runId }))
    .filter((e) => e.eventKey.startsWith(`${workflowId}/`)); // not the alias move (keyed by its alias-history row)
  expect(trail.map((e) => e.kind)).toEqual([
    'lifecycle.requested',
    'machine-gate.blessed',
    'approval.requested',
    'decision.accepted',
    'approval.closed',
    'model.deployed',
    'decision.refused',
  ]);
  // One row per event, named by kind: no gaps, no duplicates.
  expect(trail.map((e) => e.eventKey)).toEqual(trail.map((e) => `${workflowId}/${runId}/${e.kind}#1`));

  // The history's appends cover every event exactly once; the two batches stored by the killed workers were
  // appended again by the retried tasks and found stored. Both tasks did die: they timed out.
  const events = (await handle.fetchHistory()).events ?? [];
  const appends = auditAppendsInHistory(events);
  expect(appends.reduce((n, a) => n + a.inserted + a.alreadyStored, 0)).toBe(trail.length);
  expect(appends.filter((a) => a.alreadyStored > 0).map((a) => a.inserted)).toEqual([0, 0]);
  expect(events.filter((e) => e.workflowTaskTimedOutEventAttributes).length).toBeGreaterThanOrEqual(2);

  // The first stored copy stands: approval.requested keeps the killed attempt's (earlier) workflow time.
  const { status } = await describeLifecycle(stack.client, workflowId);
  const requested = trail.find((e) => e.kind === 'approval.requested');
  expect(Date.parse(requested?.at ?? '')).toBeLessThan(Date.parse(status?.approval?.openedAt ?? ''));
  expect(status?.auditTrail).toBeUndefined(); // no append ever failed: the retries found their events stored
}, 600_000);
