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
  'alias.deleted',
  'tag.set',
  'tag.deleted',
] as const;
export type AuditEventKind = (typeof auditEventKinds)[number];

/** One event as the workflow records it. `at` is workflow time, so it lines up with the run's history. */
export interface AuditEventInput {
  readonly seq: number;
  /**
   * The event's name within its run, `<kind>#<n>` (the n-th event of that kind), used in its key when present.
   * Unlike `seq` it cannot change when a retried workflow task handles a late signal before its completions,
   * so a re-append of a stored batch always finds its own events. Absent in runs started before it existed.
   */
  readonly name?: string;
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

/** The stored key of a run's event: `<workflowId>/<runId>/<kind>#<n>`, or `…/<seq>` for runs of older code. */
export const auditEventKey = (workflowId: string, runId: string, nameOrSeq: string | number): string => `${workflowId}/${runId}/${nameOrSeq}`;

/** The parts of an event that say *what* happened; `at` and `details` are not among them (see below). */
export type AuditIdentity = Pick<AuditEvent, 'kind' | 'actor' | 'model' | 'version'>;

/**
 * Which identity fields of a stored event differ from a re-recorded one under the same key (empty: the same
 * event). An append reaches the database from a local activity *before* its workflow task completes; when the
 * worker dies in between, the task is retried later and the workflow records the same events again, stamped
 * with the retry's workflow time — so `at`, and details derived from it (an approval's deadline), differ
 * between two copies of one event. The first stored copy stands; a different kind, actor, model or version
 * under a stored key is a conflict (`AuditConflict`).
 */
export function auditIdentityDifferences(stored: AuditIdentity, recorded: AuditEventInput): string[] {
  const differences: string[] = [];
  if (stored.kind !== recorded.kind) differences.push(`kind ${stored.kind} ≠ ${recorded.kind}`);
  if (stored.actor !== recorded.actor) differences.push(`actor ${stored.actor} ≠ ${recorded.actor}`);
  if (stored.model !== recorded.model) differences.push(`model ${String(stored.model)} ≠ ${recorded.model}`);
  const version = recorded.version ?? null;
  if (stored.version !== version) differences.push(`version ${String(stored.version)} ≠ ${String(version)}`);
  return differences;
}

/**
 * How a run's audit trail is doing, as its status query and Web UI details show it. Absent while every
 * append succeeded. `failing`: appends keep failing and are retried after a growing pause — the run cannot
 * complete until its events are stored; `recovered`: stored again after failing; `conflict`: a stored event
 * contradicts the run (the run fails with `AuditConflict`).
 */
export interface AuditTrailHealth {
  readonly state: 'failing' | 'recovered' | 'conflict';
  /** The last append failure: its type and message. */
  readonly error: string;
  /** Workflow time of the first failed append of the current (or last) streak. */
  readonly since: string;
  /** Failed append rounds in that streak (each round is the local activity with its own few quick retries). */
  readonly failedAppends: number;
  /** Events recorded but not stored yet. */
  readonly unstored: number;
  /** While failing: when the next round starts. */
  readonly nextAttemptAt?: string;
  /** Once recovered: when the events were stored. */
  readonly recoveredAt?: string;
}

/** One line for people (UI details, `mlops status`) saying how the audit trail is doing. */
export function describeAuditTrailHealth(h: AuditTrailHealth): string {
  const streak = `${h.failedAppends} failed append${h.failedAppends === 1 ? '' : 's'} since ${h.since}`;
  switch (h.state) {
    case 'failing':
      return (
        `FAILING — ${streak}, ${h.unstored} event(s) not stored: ${h.error}; ` +
        `next attempt ${h.nextAttemptAt ?? 'soon'}. The run cannot complete until its audit is stored.`
      );
    case 'recovered':
      return `recovered at ${h.recoveredAt ?? '?'} after ${streak} (last error: ${h.error})`;
    case 'conflict':
      return `CONFLICT — ${h.error}`;
  }
}
