import { describeLifecycle, sendDecision, startLifecycle, submitDecision, waitForStage, type PendingApproval } from '../../src/client';
import { modelSpecSchema, type AuditEvent, type BuiltinTraining, type ModelSpec, type ModelSpecInput } from '../../src/domain';
import { startStack, type TestStack } from '../support/stack';
import { saveHistoryIfAsked } from '../support/histories';
import { weatherSpec } from '../support/specs';
import { cli, decisionsInHistory, governanceFixture, historyOf, startWebhook, type GovernanceFixture } from '../support/governance';

let stack: TestStack;
let fixture: GovernanceFixture;
let webhook: Awaited<ReturnType<typeof startWebhook>>;

beforeAll(async () => {
  webhook = await startWebhook();
  fixture = governanceFixture({ MLOPS_ESCALATION_WEBHOOK_URL: webhook.url });
  stack = await startStack('governance-deadlines', fixture.env);
  await stack.startWorker();
});
afterAll(async () => {
  await stack?.close();
  await webhook?.close();
});

const spec = (name: string, overrides: Partial<ModelSpecInput>): ModelSpec => modelSpecSchema.parse(weatherSpec({ name, ...overrides }));
const audit = (workflowId: string) => stack.registry.audit.list({ workflowId });

test('deadline: the reminder escalates through the webhook, then the spec\'s outcome (reject) applies — durable timers only', async () => {
  const { workflowId, runId, handle } = await startLifecycle(stack.client, stack.config, {
    spec: spec('gov-deadline', { approval: { timeout: '3s', escalateAfter: '1s' } }),
    requestedBy: 'rita',
    reason: 'deadline test',
  });
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'rejected', decision: { kind: 'reject', approver: 'system:deadline', via: 'deadline', comment: 'timed out after 3s' } });

  expect(webhook.received).toEqual([
    {
      method: 'POST',
      contentType: 'application/json',
      body: expect.objectContaining({ event: 'mlops.approval.escalation', model: 'gov-deadline', version: 1, workflowId, runId, requestedBy: 'rita', reason: 'deadline test', stage: 'approval', onTimeout: 'reject', deadline: expect.any(String), ui: expect.stringContaining(`/workflows/${workflowId}/${runId}/history`) }),
    },
  ]);
  const { status } = await describeLifecycle(stack.client, workflowId);
  expect(status?.approval).toMatchObject({ phase: 'rejected', closedBy: 'deadline', escalatedAt: expect.any(String), deadline: expect.any(String) });

  const trail = (await audit(workflowId));
  expect(trail.map((e) => e.kind)).toEqual(['lifecycle.requested', 'machine-gate.blessed', 'approval.requested', 'approval.escalated', 'approval.timed-out', 'approval.closed']);
  expect(trail.find((e) => e.kind === 'approval.escalated')?.details).toMatchObject({ webhookStatus: 204 });

  // The wait cost two timers (escalation, then the rest of the deadline) and no polling: the history of the
  // whole run stays small, however long the timeout.
  const history = historyOf(stack.config, workflowId, runId);
  const timers = history.filter((e) => e.eventType === 'EVENT_TYPE_TIMER_STARTED').map((e) => (e['timerStartedEventAttributes'] as { startToFireTimeout: string }).startToFireTimeout);
  expect(timers).toEqual(['1s', expect.stringMatching(/^[12](\.\d+)?s$/)]);
  // Including the reference-profile activity after registration (monitoring) and the training-queue patch marker.
  expect(history.length).toBeLessThan(91);
  await saveHistoryIfAsked(handle, 'lifecycle-deadline-escalation.json');
});

test('deadline with onTimeout "approve" deploys, with the deadline as the recorded actor', async () => {
  const { handle } = await startLifecycle(stack.client, stack.config, { spec: spec('gov-auto-approve', { approval: { timeout: '2s', onTimeout: 'approve' } }), requestedBy: 'rita' });
  expect(await handle.result()).toMatchObject({ outcome: 'deployed', approvers: ['system:deadline'] });
  expect(await stack.registry.aliasHistory('gov-auto-approve')).toEqual([expect.objectContaining({ toVersion: 1, actor: 'system:deadline' })]);
  await saveHistoryIfAsked(handle, 'lifecycle-deadline-auto-approve.json');
});

test('machine gate first: failing absolute or change-vs-champion thresholds never reaches people', async () => {
  const failing = await startLifecycle(stack.client, stack.config, { spec: spec('gov-machine-gate', { thresholds: { minAccuracy: 0.99 } }), requestedBy: 'rita' });
  await sendDecision(stack.client, failing.workflowId, 'approve', { approver: 'alice' });
  expect(await failing.handle.result()).toMatchObject({ outcome: 'not-blessed', evaluation: { blessed: false, checks: [{ name: 'min-accuracy', passed: false }] } });
  const refused = (await audit(failing.workflowId));
  expect(refused.map((e) => e.kind)).not.toContain('approval.requested');
  expect(refused.find((e) => e.kind === 'machine-gate.not-blessed')?.details['checks']).toEqual([expect.objectContaining({ name: 'min-accuracy', passed: false })]);
  await saveHistoryIfAsked(failing.handle, 'lifecycle-not-blessed.json');

  const champion = await startLifecycle(stack.client, stack.config, { spec: spec('gov-machine-gate', {}), requestedBy: 'rita' });
  await waitForStage(stack.client, champion.workflowId, ['awaiting-approval']);
  await submitDecision(stack.client, champion.workflowId, { decision: 'approve', approver: 'alice' });
  expect(await champion.handle.result()).toMatchObject({ outcome: 'deployed', version: 2 });

  const weaker = spec('gov-machine-gate', { thresholds: { maxLogLossRiseVsChampion: 0, maxAccuracyDropVsChampion: 0.5 } });
  const challenger = await startLifecycle(stack.client, stack.config, { spec: { ...weaker, training: { ...(weaker.training as BuiltinTraining), solver: 'adam', epochs: 1 } }, requestedBy: 'rita' });
  const result = await challenger.handle.result();
  expect(result.outcome).toBe('not-blessed');
  expect(result.evaluation?.champion?.version).toBe(2);
  expect(result.evaluation?.checks.map((c) => [c.name, c.passed])).toEqual([
    ['accuracy-vs-champion', true],
    ['log-loss-vs-champion', false],
  ]);
  const { status } = await describeLifecycle(stack.client, challenger.workflowId);
  expect(status?.stage).toBe('not-blessed');
  expect(status?.failure).toMatch(/log-loss change \+\d\.\d{4} vs champion \(allowed rise 0\)/);
});

test('mlops pending: the inbox lists the waiting run with votes, deadline and evidence (Temporal visibility + query)', async () => {
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, {
    spec: spec('gov-pending', { approval: { stages: [{ name: 'ml-review', roles: ['ml-lead'], quorum: 2 }], timeout: '1h' } }),
    requestedBy: 'rita',
    reason: 'quarterly refresh',
  });
  await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  await submitDecision(stack.client, workflowId, { decision: 'approve', approver: 'alice' });

  let listed: PendingApproval | undefined;
  while (!listed) {
    const { code, out } = await cli(stack.config, fixture.env, ['pending', '--json']); // visibility is eventually consistent
    expect(code).toBe(0);
    listed = (JSON.parse(out) as PendingApproval[]).find((p) => p.workflowId === workflowId && p.approval?.stages[0]?.approvals.length === 1);
  }
  expect(listed).toMatchObject({
    model: 'gov-pending',
    version: 1,
    requestedBy: 'rita',
    reason: 'quarterly refresh',
    approval: { phase: 'open', currentStage: 'ml-review', deadline: expect.any(String), stages: [{ name: 'ml-review', quorum: 2, approvals: [{ approver: 'alice' }], eligible: ['alice', 'bob', 'dave', 'rita'] }] },
    evaluation: { blessed: true, candidate: { accuracy: expect.any(Number) } },
    dataset: { rowCount: 2922 },
  });
  const text = await cli(stack.config, fixture.env, ['pending', '--details']);
  expect(text.out).toContain(workflowId);
  expect(text.out).toMatch(/ml-review 1\/2 \(alice\)/);
  expect(text.out).toMatch(/in (59m|1h)/);
  await sendDecision(stack.client, workflowId, 'reject', { approver: 'bob', comment: 'done testing' });
  await handle.result();
});

test('mlops audit equals what happened and matches the Temporal history of the run', async () => {
  const { workflowId, runId, handle } = await startLifecycle(stack.client, stack.config, {
    spec: spec('gov-audit', { approval: { stages: [{ name: 'ml-review', roles: ['ml-lead'] }, { name: 'risk', roles: ['risk'] }], fourEyes: true } }),
    requestedBy: 'rita',
  });
  await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'rita' });
  await submitDecision(stack.client, workflowId, { decision: 'approve', approver: 'bob', comment: 'reviewed' });
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'bob' });
  const approved = await cli(stack.config, fixture.env, ['approve', workflowId, '--as', 'carol', '--comment', 'risk ok']);
  expect(approved.code).toBe(0);
  await handle.result();

  const exported = await cli(stack.config, fixture.env, ['audit', '--workflow', workflowId, '--json']);
  const trail = JSON.parse(exported.out) as AuditEvent[];
  expect(trail.map((e) => [e.kind, e.actor])).toEqual([
    ['lifecycle.requested', 'rita'],
    ['machine-gate.blessed', 'system:machine-gate'],
    ['approval.requested', 'rita'],
    ['decision.refused', 'rita'],
    ['decision.accepted', 'bob'],
    ['approval.stage-completed', 'bob'],
    ['decision.refused', 'bob'],
    ['decision.accepted', 'carol'],
    ['approval.closed', 'carol'],
    ['alias.moved', 'bob, carol'],
    ['model.deployed', 'bob, carol'],
  ]);
  expect(new Set(trail.map((e) => `${e.workflowId}/${e.runId}`))).toEqual(new Set([`${workflowId}/${runId}`]));

  const history = historyOf(stack.config, workflowId, runId);
  const messages = decisionsInHistory(history);
  const decisions = trail.filter((e) => e.kind.startsWith('decision.'));
  // Same decisions, same order, same channel, and each stamped with the workflow time of the task that handled it.
  expect(decisions.map((e) => [e.details['decision'], e.actor, e.details['via'], e.at])).toEqual(messages.map((m) => [m.kind, m.approver, m.via, m.handledAt]));
  const [first, last] = [history[0]?.eventTime ?? '', history[history.length - 1]?.eventTime ?? ''];
  expect(trail.every((e) => e.at >= new Date(Date.parse(first)).toISOString() && e.at <= last)).toBe(true);
  const timers = history.filter((e) => e.eventType === 'EVENT_TYPE_TIMER_STARTED');
  expect(timers).toEqual([]); // no deadline in this policy: the gate waited on a condition alone

  const table = await cli(stack.config, fixture.env, ['audit', '--model', 'gov-audit']);
  expect(table.out).toMatch(/decision\.refused\s+gov-audit\s+1\s+rita\s+approve, signal, four-eyes/);
  expect(table.out).toMatch(/alias\.moved\s+gov-audit\s+1\s+bob, carol\s+approved in .*, v– → v1/);
});
