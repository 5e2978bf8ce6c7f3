import { ApplicationFailure, condition, currentUpdateInfo, setHandler, workflowInfo } from '@temporalio/workflow';
import type {
  ApprovalPolicy,
  ApproverDirectory,
  ApprovalView,
  DecideResult,
  DecisionChannel,
  DecisionKind,
  GateContext,
  GateState,
  Judgement,
  RecordedDecision,
} from '../domain';
import { parseDurationMs } from '../domain/duration';
import { FailureType } from '../domain/failure-types';
import { decideRequestSchema } from '../domain/governance/decision';
import { applyDecision, judgeDecision, openGate, pendingGate, stageProgress, unsatisfiableReason } from '../domain/governance/gate';
import type { AuditTrail } from './audit-trail';
import { approveSignal, decideUpdate, rejectSignal } from './messages';
import { activities, escalationStepOptions, registryStepOptions } from './activity-options';

/** What the gate needs from the lifecycle that hosts it. */
export interface GateHost {
  readonly model: string;
  readonly requestedBy: string;
  readonly reason?: string;
  readonly policy: ApprovalPolicy;
  readonly audit: AuditTrail;
  /** Appends to the run's visible list of decisions (accepted and refused). */
  recordDecision(decision: RecordedDecision): void;
  /** Publishes the gate's progress (status query, UI details). */
  showApproval(view: ApprovalView): void;
  /** Called once people may decide (the lifecycle enters `awaiting-approval`). */
  opened(): void;
}

export interface GateVerdict {
  /** The decision that closed the gate: the last approval, a reject, the deadline, or the policy itself. */
  readonly decision: RecordedDecision;
  /** Everyone whose approval counted, in order (empty when rejected). */
  readonly approvers: string[];
}

const nowIso = (): string => new Date().toISOString();
const truncatedJson = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
};
const withoutKind = ({ decision: _kind, ...rest }: Record<string, unknown>) => rest;

function refusedUpdate(message: string, type: string, code: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: [{ code }] });
}

/**
 * The human approval gate. Handlers are installed at workflow start (an early decision is refused and
 * recorded, never buffered until the gate opens); `open` runs the gate once the candidate is registered.
 * Waiting uses durable timers only (`condition` with a timeout): an idle gate adds nothing to the history.
 */
export function installApprovalGate(host: GateHost): { open(version: number, directory?: ApproverDirectory): Promise<GateVerdict> } {
  const { policy, audit } = host;
  let ctx: GateContext | undefined;
  let state: GateState = pendingGate;
  let closing: RecordedDecision | undefined;
  let timing: Pick<ApprovalView, 'openedAt' | 'deadline' | 'escalateAt' | 'escalatedAt' | 'closedBy'> = { openedAt: '' };

  const publish = (): void => {
    if (!ctx) return;
    const current = policy.stages[state.stageIndex];
    host.showApproval({
      phase: state.phase,
      ...(state.phase === 'open' && current ? { currentStage: current.name } : {}),
      stages: stageProgress(ctx, state),
      fourEyes: policy.fourEyes,
      requireSignature: policy.requireSignature,
      onTimeout: policy.onTimeout,
      ...timing,
    });
  };

  /** One rulebook for both channels: judge, then record (accepted or refused) and apply. */
  const receive = (kind: DecisionKind, raw: unknown, via: DecisionChannel): { judgement: Judgement; seq: number } => {
    const at = nowIso();
    const judgement = judgeDecision(ctx, state, kind, raw);
    const updateId = via === 'update' ? currentUpdateInfo()?.id : undefined;
    const trace = { via, ...(updateId ? { updateId } : {}) };
    if (!judgement.ok) {
      host.recordDecision({ kind, approver: judgement.approver, at, accepted: false, reason: judgement.refusal.message, code: judgement.refusal.code, ...trace });
      const seq = audit.record('decision.refused', judgement.approver, { decision: kind, ...trace, code: judgement.refusal.code, reason: judgement.refusal.message, payload: truncatedJson(raw) }, ctx?.version);
      return { judgement, seq };
    }
    const { decision } = judgement;
    const recorded: RecordedDecision = {
      kind,
      approver: decision.approver,
      at,
      accepted: true,
      stage: judgement.stage,
      signed: judgement.signed,
      ...(decision.comment ? { comment: decision.comment } : {}),
      ...trace,
    };
    const applied = applyDecision(policy, state, judgement, at);
    state = applied.state;
    host.recordDecision(recorded);
    let seq = audit.record('decision.accepted', decision.approver, { decision: kind, stage: judgement.stage, signed: judgement.signed, ...trace, ...(decision.comment ? { comment: decision.comment } : {}) }, ctx?.version);
    if (applied.event === 'stage-complete') {
      const votes = state.approvals[state.stageIndex - 1] ?? [];
      seq = audit.record('approval.stage-completed', decision.approver, { stage: judgement.stage, approvers: votes.map((v) => v.approver), next: policy.stages[state.stageIndex]?.name }, ctx?.version);
    }
    if (applied.event === 'approved' || applied.event === 'rejected') closing = recorded;
    publish();
    return { judgement, seq };
  };

  setHandler(approveSignal, (raw) => {
    receive('approve', raw, 'signal');
  });
  setHandler(rejectSignal, (raw) => {
    receive('reject', raw, 'signal');
  });
  setHandler(
    decideUpdate,
    async (request): Promise<DecideResult> => {
      const { judgement, seq } = receive(request.decision, withoutKind(request), 'update');
      await audit.stored(seq); // the caller's answer means "counted and on the record"
      if (!judgement.ok) throw refusedUpdate(judgement.refusal.message, FailureType.DecisionRefused, judgement.refusal.code);
      const counted = policy.stages.findIndex((s) => s.name === judgement.stage);
      const approvals = state.approvals[counted]?.length ?? 0;
      const quorum = policy.stages[counted]?.quorum ?? 1;
      const gate = state.phase === 'approved' || state.phase === 'rejected' ? state.phase : 'open';
      const next = policy.stages[state.stageIndex];
      const message =
        gate !== 'open'
          ? `the gate is ${gate}: ${request.decision} by ${judgement.decision.approver} closed it`
          : `counted: stage "${judgement.stage}" has ${approvals}/${quorum} approvals${next && next.name !== judgement.stage ? `; stage "${next.name}" is now open` : ''}`;
      return { accepted: true, gate, stage: judgement.stage, approvals, quorum, message };
    },
    {
      // Synchronous and side-effect free: a refusal here never reaches the history.
      validator: (request) => {
        const parsed = decideRequestSchema.safeParse(request);
        if (!parsed.success) {
          const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
          throw refusedUpdate(`malformed decision: ${problems}`, FailureType.DecisionInvalid, 'malformed');
        }
        const judgement = judgeDecision(ctx, state, parsed.data.decision, withoutKind(parsed.data));
        if (!judgement.ok) throw refusedUpdate(judgement.refusal.message, FailureType.DecisionRefused, judgement.refusal.code);
      },
    },
  );

  const closeWithoutPeople = (kind: DecisionKind, approver: string, comment: string, via: DecisionChannel): RecordedDecision => {
    const decision: RecordedDecision = { kind, approver, at: nowIso(), accepted: true, comment, via };
    state = { ...state, phase: kind === 'approve' ? 'approved' : 'rejected' };
    host.recordDecision(decision);
    return decision;
  };

  return {
    /** `directory`: the snapshot the registration step already took (lean runs); else it is loaded here. */
    async open(version: number, preloaded?: ApproverDirectory): Promise<GateVerdict> {
      const directory = preloaded ?? (await activities(registryStepOptions, 'load approver directory (roles, public keys)').loadApproverDirectory());
      ctx = { policy, directory, requestedBy: host.requestedBy, model: host.model, version, workflowId: workflowInfo().workflowId };
      state = openGate(policy);
      const opened = Date.now();
      const timeoutMs = policy.timeout ? parseDurationMs(policy.timeout) : undefined;
      const escalateMs = policy.escalateAfter ? parseDurationMs(policy.escalateAfter) : undefined;
      timing = {
        openedAt: new Date(opened).toISOString(),
        ...(timeoutMs !== undefined ? { deadline: new Date(opened + timeoutMs).toISOString() } : {}),
        ...(escalateMs !== undefined ? { escalateAt: new Date(opened + escalateMs).toISOString() } : {}),
      };
      audit.record(
        'approval.requested',
        host.requestedBy,
        { ...(host.reason ? { reason: host.reason } : {}), policy, ...timing, eligible: stageProgress(ctx, state).map((s) => ({ stage: s.name, quorum: s.quorum, eligible: s.eligible })) },
        version,
      );

      const impossible = unsatisfiableReason(ctx);
      if (impossible) {
        timing = { ...timing, closedBy: 'policy' };
        closing = closeWithoutPeople('reject', 'system:policy', `the approval policy cannot be satisfied: ${impossible}`, 'policy');
      } else {
        host.opened();
      }
      publish();

      const decided = (): boolean => closing !== undefined;
      let escalation: Promise<void> | undefined;
      if (!decided() && escalateMs !== undefined && !(await condition(decided, escalateMs, { summary: `escalate if undecided after ${policy.escalateAfter}` }))) {
        timing = { ...timing, escalatedAt: nowIso() };
        publish();
        escalation = escalate(host, ctx, state, timing);
      }
      if (!decided()) {
        const remaining = timeoutMs === undefined ? undefined : opened + timeoutMs - Date.now();
        if (remaining === undefined) await condition(decided);
        else if (remaining <= 0 || !(await condition(decided, remaining, { summary: `approval deadline ${policy.timeout}` }))) {
          timing = { ...timing, closedBy: 'deadline' };
          closing = closeWithoutPeople(policy.onTimeout, 'system:deadline', `timed out after ${policy.timeout}`, 'deadline');
          audit.record('approval.timed-out', 'system:deadline', { timeout: policy.timeout, outcome: policy.onTimeout, stages: stageProgress(ctx, state) }, version);
          publish();
        }
      }
      const decision = closing as RecordedDecision;
      const approvers = state.phase === 'approved' ? state.approvals.flat().map((v) => v.approver) : [];
      audit.record('approval.closed', decision.approver, { outcome: state.phase, approvers, via: decision.via, ...(decision.comment ? { comment: decision.comment } : {}) }, version);
      await escalation;
      return { decision, approvers: approvers.length ? approvers : decision.kind === 'approve' ? [decision.approver] : [] };
    },
  };
}

/** Runs the escalation activity and records its outcome; a failing webhook is recorded, never fatal. */
async function escalate(host: GateHost, ctx: GateContext, state: GateState, timing: Pick<ApprovalView, 'openedAt' | 'deadline'>): Promise<void> {
  const stages = stageProgress(ctx, state);
  const stage = stages[state.stageIndex]?.name ?? '';
  try {
    const { webhookStatus } = await activities(escalationStepOptions, `escalate: ${ctx.model} v${ctx.version} undecided`).escalateApproval({
      model: ctx.model,
      version: ctx.version,
      requestedBy: host.requestedBy,
      ...(host.reason ? { reason: host.reason } : {}),
      stage,
      stages,
      openedAt: timing.openedAt,
      ...(timing.deadline ? { deadline: timing.deadline } : {}),
      onTimeout: ctx.policy.onTimeout,
    });
    host.audit.record('approval.escalated', 'system:escalation', { stage, webhookStatus, deadline: timing.deadline ?? null }, ctx.version);
  } catch (err) {
    host.audit.record('approval.escalation-failed', 'system:escalation', { stage, error: (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message }, ctx.version);
  }
}
