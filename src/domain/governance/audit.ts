/**
 * The audit trail's vocabulary. The workflow numbers its events (`seq`) and appends them through an
 * activity; the registry keys each row on workflow id + run id + seq, so a retried append adds nothing.
 * Alias moves are appended by the database itself (a trigger on alias history), whoever moves the alias.
 */
export const auditEventKinds = [
  'lifecycle.requested',
  'machine-gate.blessed',
  'machine-gate.not-blessed',
  'approval.requested',
  'decision.accepted',
  'decision.refused',
  'approval.stage-completed',
  'approval.escalated',
  'approval.escalation-failed',
  'approval.timed-out',
  'approval.closed',
  'model.deployed',
  'model.rollout-withdrawn',
  'lifecycle.failed',
  'alias.moved',
] as const;
export type AuditEventKind = (typeof auditEventKinds)[number];

/** One event as the workflow records it. `at` is workflow time, so it lines up with the run's history. */
export interface AuditEventInput {
  readonly seq: number;
  readonly at: string;
  readonly kind: AuditEventKind;
  readonly actor: string;
  readonly model: string;
  readonly version?: number;
  readonly details: Record<string, unknown>;
}

/** A stored audit row. */
export interface AuditEvent {
  readonly id: number;
  readonly eventKey: string;
  readonly at: string;
  readonly recordedAt: string;
  readonly kind: AuditEventKind;
  readonly actor: string;
  readonly model: string | null;
  readonly version: number | null;
  readonly workflowId: string | null;
  readonly runId: string | null;
  readonly details: Record<string, unknown>;
}

export const auditEventKey = (workflowId: string, runId: string, seq: number): string => `${workflowId}/${runId}/${seq}`;
