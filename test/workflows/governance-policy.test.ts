import { sign } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { DecisionRefusedError, describeLifecycle, sendDecision, startLifecycle, submitDecision, waitForStage } from '../../src/client';
import { canonicalDecisionPayload, modelSpecSchema, type ApprovalPolicyInput, type DecideRequest, type ModelSpec } from '../../src/domain';
import { startStack, workflowBundle, type TestStack } from '../support/stack';
import { saveHistoryIfAsked } from '../support/histories';
import { weatherSpec } from '../support/specs';
import { cli, decisionsInHistory, decisionsRecorded, governanceFixture, historyOf, opensslSign, temporalCli, type GovernanceFixture } from '../support/governance';

let stack: TestStack;
let fixture: GovernanceFixture;

beforeAll(async () => {
  fixture = governanceFixture();
  stack = await startStack('governance-policy', fixture.env);
  await stack.startWorker();
});
afterAll(async () => stack?.close());

const spec = (name: string, approval: ApprovalPolicyInput): ModelSpec => modelSpecSchema.parse(weatherSpec({ name, approval }));
const twoStage: ApprovalPolicyInput = { stages: [{ name: 'ml-review', roles: ['ml-lead'], quorum: 2 }, { name: 'risk', roles: ['risk'] }], fourEyes: true };
const audit = (workflowId: string) => stack.registry.audit.list({ workflowId });

async function startAwaiting(name: string, approval: ApprovalPolicyInput) {
  const started = await startLifecycle(stack.client, stack.config, { spec: spec(name, approval), requestedBy: 'rita', reason: `governance test ${name}` });
  const status = await waitForStage(stack.client, started.workflowId, ['awaiting-approval', 'rejected', 'not-blessed', 'failed']);
  return { ...started, status };
}

async function refusalCode(workflowId: string, request: DecideRequest, updateId?: string): Promise<string> {
  const err = await submitDecision(stack.client, workflowId, request, updateId).then(() => null, (e: unknown) => e);
  if (!(err instanceof DecisionRefusedError)) throw new Error(`expected a refusal, got ${String(err)}`);
  return err.code;
}

test('signals: quorum, four-eyes, eligibility, duplicates and separation of stages; refusals are recorded and change nothing', async () => {
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, { spec: spec('gov-signals', twoStage), requestedBy: 'rita' });
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'alice' }); // before the gate opens
  await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  const sequence: [('approve' | 'reject'), Record<string, unknown>][] = [
    ['approve', { approver: 'rita' }],
    ['approve', { approver: 'zed' }],
    ['approve', { approver: 'carol' }],
    ['approve', { approver: 'alice', comment: 'metrics look right' }],
    ['approve', { approver: 'Alice' }],
    ['approve', { approver: 'bob', extra: true }],
    ['reject', { approver: 'zed' }],
    ['approve', { approver: 'bob' }],
    ['approve', { approver: 'bob' }],
  ];
  for (const [kind, payload] of sequence) await sendDecision(stack.client, workflowId, kind, payload as never);
  const midway = await decisionsRecorded(stack.client, workflowId, 1 + sequence.length);
  expect(midway.approval).toMatchObject({ phase: 'open', currentStage: 'risk', stages: [{ name: 'ml-review', approvals: [{ approver: 'alice' }, { approver: 'bob' }] }, { name: 'risk', approvals: [] }] });
  expect(midway.stage).toBe('awaiting-approval');

  await sendDecision(stack.client, workflowId, 'approve', { approver: 'dave' });
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'deployed', approvers: ['alice', 'bob', 'dave'], decision: { approver: 'dave', stage: 'risk', via: 'signal' } });

  const { status } = await describeLifecycle(stack.client, workflowId);
  expect(status?.decisions.map((d) => [d.kind, d.approver, d.accepted ? d.stage : d.code])).toEqual([
    ['approve', 'alice', 'not-open'],
    ['approve', 'rita', 'four-eyes'],
    ['approve', 'zed', 'unknown-approver'],
    ['approve', 'carol', 'not-eligible'],
    ['approve', 'alice', 'ml-review'],
    ['approve', 'Alice', 'duplicate'],
    ['approve', 'bob', 'malformed'],
    ['reject', 'zed', 'unknown-approver'],
    ['approve', 'bob', 'ml-review'],
    ['approve', 'bob', 'separation-of-stages'],
    ['approve', 'dave', 'risk'],
  ]);
  expect(status?.decisions[1]?.reason).toBe('four-eyes rule: rita requested this run and may not approve it');
  expect((await stack.registry.decisionsFor('gov-signals', 1)).map((d) => [d.decision, d.approver])).toEqual([['approve', 'alice'], ['approve', 'bob'], ['approve', 'dave']]);
  expect(await stack.registry.aliasHistory('gov-signals')).toEqual([expect.objectContaining({ toVersion: 1, actor: 'alice, bob, dave', workflowId })]);

  const trail = (await audit(workflowId));
  expect(trail.filter((e) => e.kind.startsWith('decision.')).map((e) => [e.kind, e.actor, e.details['code'] ?? e.details['stage']])).toEqual(
    status?.decisions.map((d) => [d.accepted ? 'decision.accepted' : 'decision.refused', d.approver, d.accepted ? d.stage : d.code]),
  );
  expect(trail.map((e) => e.kind)).toEqual(expect.arrayContaining(['lifecycle.requested', 'machine-gate.blessed', 'approval.requested', 'approval.stage-completed', 'approval.closed', 'alias.moved', 'model.deployed']));
});

test('Update "decide": the validator refuses at once and records nothing; accepted decisions answer with progress; one update id counts once', async () => {
  const { workflowId, runId, handle } = await startAwaiting('gov-update', twoStage);
  expect(await refusalCode(workflowId, { decision: 'approve', approver: 'rita' })).toBe('four-eyes');
  expect(await refusalCode(workflowId, { decision: 'approve', approver: 'carol' })).toBe('not-eligible');
  expect(await refusalCode(workflowId, { decision: 'approve', approver: 'nobody' })).toBe('unknown-approver');
  expect(await refusalCode(workflowId, { decision: 'maybe', approver: 'alice' } as never)).toBe('malformed');
  expect(await refusalCode(workflowId, { approver: 'alice' } as never)).toBe('malformed');

  const first = await submitDecision(stack.client, workflowId, { decision: 'approve', approver: 'alice' }, 'approve-alice-1');
  expect(first).toEqual({ accepted: true, gate: 'open', stage: 'ml-review', approvals: 1, quorum: 2, message: 'counted: stage "ml-review" has 1/2 approvals' });
  expect(await submitDecision(stack.client, workflowId, { decision: 'approve', approver: 'alice' }, 'approve-alice-1')).toEqual(first);
  expect(await refusalCode(workflowId, { decision: 'approve', approver: 'alice' }, 'approve-alice-2')).toBe('duplicate');

  const second = await submitDecision(stack.client, workflowId, { decision: 'approve', approver: 'bob' });
  expect(second).toMatchObject({ gate: 'open', stage: 'ml-review', approvals: 2, message: expect.stringMatching(/stage "risk" is now open/) });
  const last = await submitDecision(stack.client, workflowId, { decision: 'reject', approver: 'carol', comment: 'risk not assessed' });
  expect(last).toMatchObject({ gate: 'rejected', stage: 'risk' });
  expect(await handle.result()).toMatchObject({ outcome: 'rejected', approvers: [], decision: { kind: 'reject', approver: 'carol', via: 'update', comment: 'risk not assessed' } });

  const { status } = await describeLifecycle(stack.client, workflowId);
  expect(status?.decisions.map((d) => [d.kind, d.approver, d.accepted, d.updateId !== undefined])).toEqual([
    ['approve', 'alice', true, true],
    ['approve', 'bob', true, true],
    ['reject', 'carol', true, true],
  ]);
  // Refused updates never reach the history, and the repeated id is one update.
  expect(decisionsInHistory(historyOf(stack.config, workflowId, runId)).map((d) => [d.kind, d.approver, d.via])).toEqual([
    ['approve', 'alice', 'update'],
    ['approve', 'bob', 'update'],
    ['reject', 'carol', 'update'],
  ]);
  await saveHistoryIfAsked(handle, 'lifecycle-update-decide.json');
  expect((await audit(workflowId)).filter((e) => e.kind.startsWith('decision.')).map((e) => [e.kind, e.actor, e.details['via']])).toEqual([
    ['decision.accepted', 'alice', 'update'],
    ['decision.accepted', 'bob', 'update'],
    ['decision.accepted', 'carol', 'update'],
  ]);
});

test('signatures: unsigned, forged, replayed and keyless decisions are refused; our CLI and openssl + the plain temporal CLI sign accepted ones', async () => {
  const keygen = await cli(stack.config, fixture.env, ['keys', 'generate', 'carol', '--private-key', `${fixture.dir}/carol.ed25519.pem`]);
  expect(keygen.code).toBe(0);
  const { workflowId, handle, status } = await startAwaiting('gov-signed', { requireSignature: true, stages: [{ name: 'sign-off', approvers: ['alice', 'carol'], quorum: 2 }] });
  const fields = { approver: 'alice', decision: 'approve' as const, model: 'gov-signed', version: status.version as number, workflowId };
  const signedBy = (key: typeof fixture.aliceKey, f: typeof fields) => sign(null, Buffer.from(canonicalDecisionPayload(f)), key).toString('base64');

  await sendDecision(stack.client, workflowId, 'approve', { approver: 'alice' });
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'alice', signature: signedBy(fixture.malloryKey, fields) });
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'alice', signature: signedBy(fixture.aliceKey, { ...fields, workflowId: 'lifecycle-other' }) });
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'alice', signature: signedBy(fixture.aliceKey, { ...fields, decision: 'reject' as never }) });
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'bob', signature: signedBy(fixture.malloryKey, { ...fields, approver: 'bob' }) });
  expect(await refusalCode(workflowId, { decision: 'approve', approver: 'alice', signature: signedBy(fixture.malloryKey, fields) })).toBe('bad-signature');
  await decisionsRecorded(stack.client, workflowId, 5);

  const ours = await cli(stack.config, fixture.env, ['approve', workflowId, '--as', 'alice', '--key', fixture.aliceKeyFile, '--comment', 'signed with mlops']);
  expect(ours).toMatchObject({ code: 0, out: expect.stringMatching(/approve by alice accepted — counted: stage "sign-off" has 1\/2 approvals/) });

  const carolPayload = canonicalDecisionPayload({ approver: 'carol', decision: 'approve', model: 'gov-signed', version: status.version as number, workflowId });
  const carolSignature = opensslSign(`${fixture.dir}/carol.ed25519.pem`, carolPayload);
  temporalCli(stack.config, ['workflow', 'signal', '--workflow-id', workflowId, '--name', 'approve', '--input', JSON.stringify({ approver: 'carol', signature: carolSignature })]);
  expect(await handle.result()).toMatchObject({ outcome: 'deployed', approvers: ['alice', 'carol'] });

  const decisions = (await describeLifecycle(stack.client, workflowId)).status?.decisions ?? [];
  expect(decisions.map((d) => [d.approver, d.accepted ? `signed:${d.signed}` : d.code])).toEqual([
    ['alice', 'unsigned'],
    ['alice', 'bad-signature'],
    ['alice', 'bad-signature'],
    ['alice', 'bad-signature'],
    ['bob', 'no-key'],
    ['alice', 'signed:true'],
    ['carol', 'signed:true'],
  ]);
  expect((await audit(workflowId)).filter((e) => e.kind === 'decision.refused').map((e) => e.details['code'])).toEqual(['unsigned', 'bad-signature', 'bad-signature', 'bad-signature', 'no-key']);

  // Verification runs in the workflow sandbox and is deterministic: the run replays from its history.
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await handle.fetchHistory(), workflowId);
});

test('a policy the directory cannot satisfy closes the gate at once, rejected by the policy', async () => {
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, { spec: spec('gov-impossible', { stages: [{ name: 'risk', roles: ['risk'], quorum: 3 }] }), requestedBy: 'rita' });
  const result = await handle.result();
  expect(result).toMatchObject({ outcome: 'rejected', decision: { approver: 'system:policy', via: 'policy', comment: expect.stringMatching(/cannot be satisfied: stage "risk" needs 3 approval\(s\) but only 2 eligible approver\(s\) \(carol, dave\)/) } });
  expect((await audit(workflowId)).map((e) => e.kind)).toEqual(['lifecycle.requested', 'machine-gate.blessed', 'approval.requested', 'approval.closed']);
});
