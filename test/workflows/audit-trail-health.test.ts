import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { SqliteRegistry } from '../../src/adapters';
import { describeLifecycle, startLifecycle, waitForStage } from '../../src/client';
import { pollUntil } from '../../src/client/poll';
import { FailureType, modelSpecSchema, type AuditTrailHealth, type ModelSpec } from '../../src/domain';
import { statusQuery } from '../../src/workflows/messages';
import { startStack, type TestStack, sqliteHandle } from '../support/stack';
import { weatherSpec } from '../support/specs';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack('audit-health');
  await stack.startWorker();
});
afterAll(async () => stack?.close());

/** Ends at `not-blessed`, so the run's last step is waiting for its audit trail. */
const notBlessed = (name: string): ModelSpec =>
  modelSpecSchema.parse(weatherSpec({ name, thresholds: { minAccuracy: 0.99 } }));

/**
 * The registry refuses audit inserts from the connection the in-process worker writes through (a TEMP trigger
 * lives in that connection only), as a full disk or a broken volume would; `heal` drops it.
 */
function breakAuditWrites(): { heal: () => void } {
  sqliteHandle(stack.registry).exec(`CREATE TEMP TRIGGER audit_writes_refused BEFORE INSERT ON main.audit_events
    BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END`);
  return { heal: () => sqliteHandle(stack.registry).exec('DROP TRIGGER temp.audit_writes_refused') };
}

async function auditTrailWhen(workflowId: string, accept: (h: AuditTrailHealth) => boolean): Promise<AuditTrailHealth> {
  const handle = stack.client.workflow.getHandle(workflowId);
  const status = await pollUntil(
    () => handle.query(statusQuery).catch(() => null),
    (s) => s?.auditTrail !== undefined && accept(s.auditTrail),
    { timeoutMs: 120_000, intervalMs: 250, timeoutMessage: (s) => `audit trail: ${JSON.stringify(s?.auditTrail)}` },
  );
  return status?.auditTrail as AuditTrailHealth;
}

const timerSummaries = async (workflowId: string): Promise<string[]> => {
  const { events } = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  return (events ?? [])
    .filter((e) => e.timerStartedEventAttributes)
    .map((e) => JSON.parse(Buffer.from(e.userMetadata?.summary?.data ?? []).toString()) as string);
};

test('failing appends block completion visibly (status, UI details, timers); it resumes once healed', async () => {
  const registry = breakAuditWrites();
  const spec = notBlessed('audit-failing');
  const { workflowId, runId, handle } = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'rita' });

  // Two rounds failed: the local activity's own quick retries, then the workflow's durable timer, then again.
  const failing = await auditTrailWhen(workflowId, (h) => h.state === 'failing' && h.failedAppends >= 2);
  expect(failing).toMatchObject({
    error: 'SqliteError: disk I/O error (simulated)',
    since: expect.any(String),
    nextAttemptAt: expect.any(String),
  });
  expect(failing.unstored).toBeGreaterThanOrEqual(1);
  expect(await timerSummaries(workflowId)).toEqual(expect.arrayContaining(['audit append failed (1×): retry in 5s']));

  // Everything else is done; the run waits for its audit, and says so.
  await waitForStage(stack.client, workflowId, ['not-blessed']);
  const view = await describeLifecycle(stack.client, workflowId);
  expect(view.execution).toBe('RUNNING');
  const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  expect(metadata.currentDetails).toMatch(/\*\*audit trail: FAILING — \d+ failed appends since .*disk I\/O error/);
  expect(metadata.currentDetails).toMatch(/The run cannot complete until its audit is stored\.\*\*/);

  registry.heal();
  expect(await handle.result()).toMatchObject({ outcome: 'not-blessed' });
  const { status } = await describeLifecycle(stack.client, workflowId);
  const recovered = { state: 'recovered', recoveredAt: expect.any(String), unstored: 0, since: failing.since };
  expect(status?.auditTrail).toMatchObject(recovered);
  const trail = await stack.registry.audit.list({ workflowId, runId });
  expect(trail.map((e) => [e.eventKey, e.kind])).toEqual([
    [`${workflowId}/${runId}/lifecycle.requested#1`, 'lifecycle.requested'],
    [`${workflowId}/${runId}/machine-gate.not-blessed#1`, 'machine-gate.not-blessed'],
  ]);
}, 300_000);

test('a stored event that contradicts the run fails it with AuditConflict, naming the key', async () => {
  const registry = breakAuditWrites();
  const spec = notBlessed('audit-conflict');
  const { workflowId, runId, handle } = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'rita' });
  await auditTrailWhen(workflowId, (h) => h.state === 'failing');

  // Another writer (its own connection) stores a different event under the run's first key.
  const other = new SqliteRegistry(stack.config.registryPath);
  const at = new Date().toISOString();
  const forged = { seq: 1, name: 'lifecycle.requested#1', at, kind: 'model.deployed', actor: 'mallory', model: spec.name, details: {} } as const;
  await other.audit.append(workflowId, runId, [forged]);
  other.close();
  registry.heal();

  const failure = await handle.result().catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(WorkflowFailedError);
  const cause = (failure as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause).toMatchObject({ type: FailureType.AuditConflict, nonRetryable: true });
  const differences = 'kind model.deployed ≠ lifecycle.requested, actor mallory ≠ rita';
  const key = `${workflowId}/${runId}/lifecycle.requested#1`;
  expect(cause?.message).toContain(`audit event ${key} is already stored as another event (${differences})`);
  const { status } = await describeLifecycle(stack.client, workflowId);
  const conflict = { state: 'conflict', error: expect.stringContaining(`AuditConflict: audit event ${key}`) };
  expect(status?.auditTrail).toMatchObject(conflict);
}, 300_000);
