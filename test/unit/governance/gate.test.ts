import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  applyDecision,
  approvalPolicySchema,
  canonicalDecisionPayload,
  decodeBase64,
  judgeDecision,
  modelSpecSchema,
  openGate,
  pendingGate,
  unsatisfiableReason,
  verifyDecisionSignature,
  type ApprovalPolicyInput,
  type ApproverDirectory,
  type DecisionKind,
  type GateContext,
  type GateState,
  type SignedFields,
} from '../../../src/domain';
import { weatherSpec } from '../../support/specs';

function keyPair(): { privateKey: KeyObject; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url').toString('base64') };
}
const alice = keyPair();
const mallory = keyPair();

const directory: ApproverDirectory = {
  people: {
    alice: { roles: ['ml-lead'], publicKey: alice.publicKey },
    bob: { roles: ['ml-lead'] },
    carol: { roles: ['risk'] },
    dave: { roles: ['ml-lead', 'risk'] },
    rita: { roles: ['ml-lead'] },
    frank: { roles: ['ml-lead'] },
  },
};

const context = (policy: ApprovalPolicyInput, over: Partial<GateContext> = {}): GateContext => ({
  policy: approvalPolicySchema.parse(policy),
  directory,
  requestedBy: 'rita',
  model: 'churn',
  version: 3,
  workflowId: 'lifecycle-churn-1',
  ...over,
});

/** Feeds decisions through judge + apply, as the workflow does; returns the final state and each outcome. */
function run(ctx: GateContext, decisions: [DecisionKind, unknown][]) {
  let state: GateState = openGate(ctx.policy);
  const outcomes = decisions.map(([kind, raw], i) => {
    const j = judgeDecision(ctx, state, kind, raw);
    if (!j.ok) return j.refusal.code;
    const applied = applyDecision(ctx.policy, state, j, `2026-01-01T00:00:0${i}Z`);
    state = applied.state;
    return applied.event;
  });
  return { state, outcomes };
}

const twoStage: ApprovalPolicyInput = {
  stages: [
    { name: 'ml-review', roles: ['ml-lead'], quorum: 2 },
    { name: 'risk', roles: ['risk'] },
  ],
  fourEyes: true,
};

describe('policy format', () => {
  test('an existing spec without an approval section gets today\'s gate: one approval from anyone, no deadline', () => {
    const spec = modelSpecSchema.parse(weatherSpec());
    expect(spec.approval).toEqual({ stages: [{ name: 'approval', roles: [], approvers: [], quorum: 1 }], fourEyes: false, requireSignature: false, onTimeout: 'reject' });
    expect(modelSpecSchema.parse(weatherSpec({ approval: { timeout: '7d' } })).approval.timeout).toBe('7d');
  });

  test('refuses an escalation after the deadline, duplicate stage names, unknown fields and bad durations', () => {
    const problems = (p: unknown) => (approvalPolicySchema.safeParse(p).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems({ timeout: '1h', escalateAfter: '2h' })).toEqual([expect.stringMatching(/^escalateAfter: .*shorter than timeout/)]);
    expect(problems({ stages: [{ name: 'a' }, { name: 'a' }] })).toEqual([expect.stringMatching(/stages.1.name: stage "a" is listed twice/)]);
    expect(problems({ quorum: 2 })).toEqual([expect.stringMatching(/Unrecognized key/)]);
    expect(problems({ timeout: 'soon' })).toEqual([expect.stringMatching(/^timeout: a duration/)]);
    expect(problems({ stages: [{ name: 'x', quorum: 0 }] })).toHaveLength(1);
  });
});

describe('rulebook', () => {
  test('default gate: anyone may approve, one approval closes it, later decisions are refused as closed', () => {
    const ctx = context({});
    expect(run(ctx, [['approve', { approver: 'anyone-at-all' }], ['reject', { approver: 'bob' }]]).outcomes).toEqual(['approved', 'closed']);
  });

  test('before the gate opens every decision is refused as not-open; malformed ones as malformed', () => {
    const j = judgeDecision(undefined, pendingGate, 'approve', { approver: 'alice' });
    expect(j.ok ? null : j.refusal.code).toBe('not-open');
    const ctx = context({});
    for (const raw of [{}, { approver: '' }, { approver: 'a', extra: 1 }, { approver: 5 }, null, 'approve', { approver: 'a', signature: 'not base64!' }]) {
      const m = judgeDecision(ctx, openGate(ctx.policy), 'approve', raw);
      expect(m.ok ? null : m.refusal.code).toBe('malformed');
    }
  });

  test('quorum: two distinct ml-leads are needed; the same approver twice counts once', () => {
    const ctx = context(twoStage);
    const { state, outcomes } = run(ctx, [
      ['approve', { approver: 'alice' }],
      ['approve', { approver: 'ALICE ' }],
      ['approve', { approver: 'bob' }],
    ]);
    expect(outcomes).toEqual(['vote', 'duplicate', 'stage-complete']);
    expect(state.stageIndex).toBe(1);
    expect(state.approvals[0]?.map((v) => v.approver)).toEqual(['alice', 'bob']);
  });

  test('two stages: risk opens after ml-review, and its approval closes the gate', () => {
    const ctx = context(twoStage);
    const { state, outcomes } = run(ctx, [
      ['approve', { approver: 'carol' }],
      ['approve', { approver: 'alice' }],
      ['approve', { approver: 'bob' }],
      ['approve', { approver: 'frank' }],
      ['approve', { approver: 'carol' }],
    ]);
    expect(outcomes).toEqual(['not-eligible', 'vote', 'stage-complete', 'not-eligible', 'approved']);
    expect(state.phase).toBe('approved');
  });

  test('separation of stages: whoever approved ml-review may not also approve risk', () => {
    const ctx = context(twoStage);
    expect(run(ctx, [['approve', { approver: 'dave' }], ['approve', { approver: 'alice' }], ['approve', { approver: 'dave' }]]).outcomes).toEqual([
      'vote',
      'stage-complete',
      'separation-of-stages',
    ]);
  });

  test('four-eyes: the requester may not approve, but may withdraw by rejecting; without the rule they may approve', () => {
    expect(run(context(twoStage), [['approve', { approver: 'rita' }]]).outcomes).toEqual(['four-eyes']);
    expect(run(context(twoStage), [['reject', { approver: 'Rita' }]]).outcomes).toEqual(['rejected']);
    expect(run(context({ ...twoStage, fourEyes: false }), [['approve', { approver: 'rita' }]]).outcomes).toEqual(['vote']);
  });

  test('any reject by an eligible approver ends the gate; an outsider\'s reject is refused', () => {
    const ctx = context(twoStage);
    expect(run(ctx, [['reject', { approver: 'zed' }], ['approve', { approver: 'alice' }], ['reject', { approver: 'carol' }], ['approve', { approver: 'bob' }]]).outcomes).toEqual([
      'unknown-approver',
      'vote',
      'rejected',
      'closed',
    ]);
  });

  test('named approvers: listed people are eligible even without a directory entry; others are unknown', () => {
    const ctx = context({ stages: [{ name: 'sign-off', approvers: ['Erin'] }] });
    expect(run(ctx, [['approve', { approver: 'mallory' }], ['approve', { approver: 'erin' }]]).outcomes).toEqual(['unknown-approver', 'approved']);
    expect(run(ctx, [['approve', { approver: 'bob' }]]).outcomes).toEqual(['not-eligible']);
  });
});

describe('signatures', () => {
  const fields = (over: Partial<SignedFields> = {}): SignedFields => ({ approver: 'alice', decision: 'approve', model: 'churn', version: 3, workflowId: 'lifecycle-churn-1', ...over });
  const signWith = (key: KeyObject, f: SignedFields) => sign(null, Buffer.from(canonicalDecisionPayload(f)), key).toString('base64');
  const signedPolicy = context({ requireSignature: true });

  test('the canonical payload is compact JSON with sorted keys, comment only when given', () => {
    expect(canonicalDecisionPayload(fields())).toBe('{"approver":"alice","decision":"approve","model":"churn","version":3,"workflowId":"lifecycle-churn-1"}');
    expect(canonicalDecisionPayload(fields({ comment: 'ok "quoted"' }))).toBe('{"approver":"alice","comment":"ok \\"quoted\\"","decision":"approve","model":"churn","version":3,"workflowId":"lifecycle-churn-1"}');
  });

  test('a signature by Node crypto verifies in the pure implementation; any change to the payload breaks it', () => {
    const sig = signWith(alice.privateKey, fields());
    expect(verifyDecisionSignature(alice.publicKey, fields(), sig)).toBe(true);
    expect(verifyDecisionSignature(alice.publicKey, fields({ decision: 'reject' }), sig)).toBe(false);
    expect(verifyDecisionSignature(alice.publicKey, fields({ version: 4 }), sig)).toBe(false);
    expect(verifyDecisionSignature(alice.publicKey, fields({ workflowId: 'lifecycle-churn-2' }), sig)).toBe(false);
    expect(verifyDecisionSignature(mallory.publicKey, fields(), sig)).toBe(false);
    expect(verifyDecisionSignature(alice.publicKey, fields(), sig.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))).toBe(false);
  });

  test('required signatures: signed accepted; unsigned, forged, replayed and keyless refused', () => {
    const good = { approver: 'alice', signature: signWith(alice.privateKey, fields()) };
    expect(run(signedPolicy, [['approve', good]]).outcomes).toEqual(['approved']);
    expect(run(signedPolicy, [['approve', { approver: 'alice' }]]).outcomes).toEqual(['unsigned']);
    expect(run(signedPolicy, [['approve', { approver: 'alice', signature: signWith(mallory.privateKey, fields()) }]]).outcomes).toEqual(['bad-signature']);
    expect(run(signedPolicy, [['approve', { approver: 'alice', signature: signWith(alice.privateKey, fields({ version: 2 })) }]]).outcomes).toEqual(['bad-signature']);
    expect(run(signedPolicy, [['approve', { ...good, comment: 'added after signing' }]]).outcomes).toEqual(['bad-signature']);
    expect(run(signedPolicy, [['approve', { approver: 'bob', signature: signWith(mallory.privateKey, fields({ approver: 'bob' })) }]]).outcomes).toEqual(['no-key']);
    const j = judgeDecision(signedPolicy, openGate(signedPolicy.policy), 'approve', good);
    expect(j.ok && j.signed).toBe(true);
  });

  test('optional signatures: a present signature must still verify', () => {
    const ctx = context({});
    expect(run(ctx, [['approve', { approver: 'alice', signature: signWith(mallory.privateKey, fields()) }]]).outcomes).toEqual(['bad-signature']);
  });

  test('base64 decoding accepts standard and URL-safe forms and rejects junk', () => {
    expect(Array.from(decodeBase64('AQID') ?? [])).toEqual([1, 2, 3]);
    expect(Array.from(decodeBase64('-_8=') ?? [])).toEqual([251, 255]);
    expect(decodeBase64('A')).toBeNull();
    expect(decodeBase64('ab$c')).toBeNull();
  });
});

describe('feasibility', () => {
  test('a stage that can never reach its quorum is reported, counting four-eyes and keys', () => {
    expect(unsatisfiableReason(context(twoStage))).toBeUndefined();
    expect(unsatisfiableReason(context({ stages: [{ name: 'risk', roles: ['risk'], quorum: 3 }] }))).toMatch(/stage "risk" needs 3 approval\(s\) but only 2 eligible approver\(s\) \(carol, dave\)/);
    expect(unsatisfiableReason(context({ stages: [{ name: 'solo', approvers: ['rita'] }], fourEyes: true }))).toMatch(/only 0 eligible .* besides the requester/);
    expect(unsatisfiableReason(context({ requireSignature: true, stages: [{ name: 'x', quorum: 2 }] }))).toMatch(/only 1 eligible approver\(s\) \(alice\) can decide with a registered key/);
    expect(unsatisfiableReason(context({ stages: [{ name: 'open', quorum: 9 }] }))).toBeUndefined();
  });
});
