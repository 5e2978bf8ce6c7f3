import type { ApprovalPolicy, ApprovalStage } from './policy';
import { identityOf, type ApproverDirectory } from './directory';
import { decisionSchema, type Decision, type DecisionKind, type Refusal, type RefusalCode } from './decision';
import { verifyDecisionSignature } from './signing';

/**
 * The approval rulebook, pure and synchronous: the workflow's signal handlers and its Update validator
 * call the same `judgeDecision`, so both paths accept and refuse exactly the same decisions.
 */

/** Fixed when the gate opens: the policy, the directory snapshot, and what signatures are bound to. */
export interface GateContext {
  readonly policy: ApprovalPolicy;
  readonly directory: ApproverDirectory;
  readonly requestedBy: string;
  readonly model: string;
  readonly version: number;
  readonly workflowId: string;
}

export interface Vote {
  readonly approver: string;
  readonly at: string;
}

export type GatePhase = 'pending' | 'open' | 'approved' | 'rejected';

export interface GateState {
  readonly phase: GatePhase;
  readonly stageIndex: number;
  /** Accepted approvals, one list per stage. */
  readonly approvals: readonly (readonly Vote[])[];
}

export type Judgement =
  | { readonly ok: true; readonly decision: Decision; readonly kind: DecisionKind; readonly stage: string; readonly signed: boolean }
  | { readonly ok: false; readonly approver: string; readonly kind: DecisionKind; readonly refusal: Refusal };

export type GateEvent = 'vote' | 'stage-complete' | 'approved' | 'rejected';

export const pendingGate: GateState = { phase: 'pending', stageIndex: 0, approvals: [] };

export function openGate(policy: ApprovalPolicy): GateState {
  return { phase: 'open', stageIndex: 0, approvals: policy.stages.map(() => []) };
}

const isOpenToAnyone = (stage: ApprovalStage): boolean => stage.roles.length === 0 && stage.approvers.length === 0;

/** Identities eligible for a stage, or "anyone" when the stage names neither roles nor people. */
export function stageEligibility(directory: ApproverDirectory, stage: ApprovalStage): 'anyone' | string[] {
  if (isOpenToAnyone(stage)) return 'anyone';
  const named = stage.approvers.map(identityOf);
  const byRole = Object.entries(directory.people)
    .filter(([, entry]) => entry.roles.some((r) => stage.roles.includes(r)))
    .map(([id]) => id);
  return [...new Set([...named, ...byRole])].sort();
}

function isEligible(ctx: GateContext, stage: ApprovalStage, identity: string): boolean {
  const eligible = stageEligibility(ctx.directory, stage);
  return eligible === 'anyone' || eligible.includes(identity);
}

function describeStageNeeds(stage: ApprovalStage): string {
  const parts = [...(stage.roles.length ? [`role ${stage.roles.join(' or ')}`] : []), ...(stage.approvers.length ? [`one of ${stage.approvers.join(', ')}`] : [])];
  return parts.join(', or ');
}

function claimedApprover(raw: unknown): string {
  const value = raw !== null && typeof raw === 'object' ? (raw as { approver?: unknown }).approver : undefined;
  return typeof value === 'string' ? value.slice(0, 200) : '(unknown)';
}

/** Decides whether a decision may count, and if not, why. Never changes anything. */
export function judgeDecision(ctx: GateContext | undefined, state: GateState, kind: DecisionKind, raw: unknown): Judgement {
  const parsed = decisionSchema.safeParse(raw);
  const refuse = (code: RefusalCode, message: string, approver = parsed.success ? parsed.data.approver : claimedApprover(raw)): Judgement => ({
    ok: false,
    approver,
    kind,
    refusal: { code, message },
  });
  if (!parsed.success) return refuse('malformed', `malformed decision: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`);
  if (state.phase === 'pending' || !ctx) return refuse('not-open', 'no candidate is awaiting approval yet');
  if (state.phase !== 'open') return refuse('closed', 'the approval gate is already closed');

  const decision = parsed.data;
  const { policy, directory } = ctx;
  const id = identityOf(decision.approver);
  const entry = directory.people[id];
  const named = policy.stages.some((s) => s.approvers.map(identityOf).includes(id));
  if (!entry && !named && !policy.stages.some(isOpenToAnyone)) return refuse('unknown-approver', `unknown approver "${decision.approver}": not in the approver directory`);

  let signed = false;
  if (policy.requireSignature && !decision.signature) return refuse('unsigned', 'unsigned decision: this gate requires a signature by the approver\'s key');
  if (decision.signature && entry?.publicKey) {
    const fields = { approver: decision.approver, decision: kind, model: ctx.model, version: ctx.version, workflowId: ctx.workflowId, ...(decision.comment !== undefined ? { comment: decision.comment } : {}) };
    if (!verifyDecisionSignature(entry.publicKey, fields, decision.signature)) {
      return refuse('bad-signature', `signature does not verify with ${decision.approver}'s key (forged, or signed over a different payload)`);
    }
    signed = true;
  } else if (policy.requireSignature) {
    return refuse('no-key', `no public key is registered for "${decision.approver}"`);
  }

  const stage = policy.stages[state.stageIndex] as ApprovalStage;
  if (kind === 'approve') {
    if ((state.approvals[state.stageIndex] ?? []).some((v) => identityOf(v.approver) === id)) {
      return refuse('duplicate', `duplicate: ${decision.approver} already approved stage "${stage.name}"; it counts once`);
    }
    if (policy.fourEyes && id === identityOf(ctx.requestedBy)) {
      return refuse('four-eyes', `four-eyes rule: ${decision.approver} requested this run and may not approve it`);
    }
    const earlier = policy.stages.findIndex((s, i) => i < state.stageIndex && (state.approvals[i] ?? []).some((v) => identityOf(v.approver) === id));
    if (earlier >= 0) {
      return refuse('separation-of-stages', `${decision.approver} already approved stage "${policy.stages[earlier]?.name}"; each stage needs different people`);
    }
    if (!isEligible(ctx, stage, id)) return refuse('not-eligible', `${decision.approver} may not approve stage "${stage.name}" (needs ${describeStageNeeds(stage)})`);
  } else if (!policy.stages.some((s, i) => i >= state.stageIndex && isEligible(ctx, s, id))) {
    return refuse('not-eligible', `${decision.approver} is not an approver of stage "${stage.name}" or a later one, so may not reject`);
  }
  return { ok: true, decision, kind, stage: stage.name, signed };
}

/** Applies an accepted judgement: counts the vote, advances the stage, or closes the gate. */
export function applyDecision(policy: ApprovalPolicy, state: GateState, judgement: Extract<Judgement, { ok: true }>, at: string): { state: GateState; event: GateEvent } {
  if (judgement.kind === 'reject') return { state: { ...state, phase: 'rejected' }, event: 'rejected' };
  const approvals = state.approvals.map((votes, i) => (i === state.stageIndex ? [...votes, { approver: judgement.decision.approver, at }] : votes));
  const stage = policy.stages[state.stageIndex] as ApprovalStage;
  if ((approvals[state.stageIndex]?.length ?? 0) < stage.quorum) return { state: { ...state, approvals }, event: 'vote' };
  if (state.stageIndex === policy.stages.length - 1) return { state: { ...state, approvals, phase: 'approved' }, event: 'approved' };
  return { state: { ...state, approvals, stageIndex: state.stageIndex + 1 }, event: 'stage-complete' };
}

/**
 * Why the policy can never be met with this directory (a stage with fewer eligible people — who have a
 * key when signatures are required, and who are not the requester under four-eyes — than its quorum).
 */
export function unsatisfiableReason(ctx: GateContext): string | undefined {
  const requester = identityOf(ctx.requestedBy);
  for (const stage of ctx.policy.stages) {
    const eligible = stageEligibility(ctx.directory, stage);
    if (eligible === 'anyone' && !ctx.policy.requireSignature) continue;
    const pool = eligible === 'anyone' ? Object.keys(ctx.directory.people) : eligible;
    const usable = pool.filter((id) => (!ctx.policy.requireSignature || ctx.directory.people[id]?.publicKey) && !(ctx.policy.fourEyes && id === requester));
    if (usable.length < stage.quorum) {
      return `stage "${stage.name}" needs ${stage.quorum} approval(s) but only ${usable.length} eligible approver(s) ${usable.length ? `(${usable.join(', ')}) ` : ''}can decide${ctx.policy.requireSignature ? ' with a registered key' : ''}${ctx.policy.fourEyes ? ' besides the requester' : ''}`;
    }
  }
  return undefined;
}

export interface StageProgress {
  readonly name: string;
  readonly quorum: number;
  readonly eligible: 'anyone' | string[];
  readonly approvals: readonly Vote[];
}

export function stageProgress(ctx: GateContext, state: GateState): StageProgress[] {
  return ctx.policy.stages.map((stage, i) => ({ name: stage.name, quorum: stage.quorum, eligible: stageEligibility(ctx.directory, stage), approvals: state.approvals[i] ?? [] }));
}
