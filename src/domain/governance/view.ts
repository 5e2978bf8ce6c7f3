import type { GatePhase, StageProgress } from './gate';

/** What approvers see of a gate (status query, `mlops pending`, the Temporal UI): progress and clocks. */
export interface ApprovalView {
  readonly phase: GatePhase;
  readonly currentStage?: string;
  readonly stages: StageProgress[];
  readonly fourEyes: boolean;
  readonly requireSignature: boolean;
  readonly onTimeout: 'reject' | 'approve';
  readonly openedAt: string;
  readonly deadline?: string;
  readonly escalateAt?: string;
  readonly escalatedAt?: string;
  /** Set when the gate closed without people: the deadline, or a policy no one can satisfy. */
  readonly closedBy?: 'deadline' | 'policy';
}
