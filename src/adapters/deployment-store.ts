import type Database from 'better-sqlite3';
import type { DeploymentKind, DeploymentQueuePosition, DeploymentRecordState, RolloutStep, Strategy } from '../domain';

/** One deployment (release or rollback) of a model, as the `deployments` table records it. */
export interface DeploymentRow {
  readonly id: number;
  readonly model: string;
  readonly kind: DeploymentKind;
  readonly strategy: Strategy;
  readonly fromVersion: number | null;
  readonly toVersion: number;
  readonly state: DeploymentRecordState;
  readonly steps: RolloutStep[];
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly actor: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly parentWorkflowId: string | null;
  readonly reason: string | null;
  readonly outcomeReason: string | null;
  /** When it entered the model's queue (null: it ran at once). */
  readonly queuedAt: string | null;
}

interface DeploymentRecord {
  id: number;
  model_name: string;
  kind: DeploymentKind;
  strategy: Strategy;
  from_version: number | null;
  to_version: number;
  state: DeploymentRecordState;
  steps_json: string;
  started_at: string;
  finished_at: string | null;
  actor: string;
  workflow_id: string;
  run_id: string;
  parent_workflow_id: string | null;
  reason: string | null;
  outcome_reason: string | null;
  queued_at: string | null;
}

const toRow = (r: DeploymentRecord): DeploymentRow => ({
  id: r.id,
  model: r.model_name,
  kind: r.kind,
  strategy: r.strategy,
  fromVersion: r.from_version,
  toVersion: r.to_version,
  state: r.state,
  steps: JSON.parse(r.steps_json) as RolloutStep[],
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  actor: r.actor,
  workflowId: r.workflow_id,
  runId: r.run_id,
  parentWorkflowId: r.parent_workflow_id,
  reason: r.reason,
  outcomeReason: r.outcome_reason,
  queuedAt: r.queued_at,
});

export interface NewDeployment {
  model: string;
  kind: DeploymentKind;
  strategy: Strategy;
  fromVersion: number | null;
  toVersion: number;
  actor: string;
  workflowId: string;
  runId: string;
  parentWorkflowId?: string;
  reason?: string;
}

/** What a deployment runs as, decided when it starts running (production may have moved while it queued). */
export interface DeploymentPlan {
  readonly fromVersion: number | null;
  readonly strategy: Strategy;
}

/** A deployment row, and where it stands in its model's queue when it does not run yet. */
export type QueueAnswer =
  | { row: DeploymentRow; waitingFor: null }
  | { row: DeploymentRow; waitingFor: DeploymentQueuePosition };

/** Deployment history in the registry database: written by the deployment activities, read by the CLI. */
export class DeploymentStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Records a deployment: running at once when nothing of the model runs or waits, else queued behind the
   * others (first come, first served). `plan` is asked only when the row starts running. The same workflow
   * run gets its existing row back (activity retries).
   */
  begin(d: NewDeployment, plan: () => DeploymentPlan): QueueAnswer {
    return this.db.transaction((): QueueAnswer => {
      const mine = this.db.prepare('SELECT * FROM deployments WHERE workflow_id = ? AND run_id = ?').get(d.workflowId, d.runId) as DeploymentRecord | undefined;
      if (mine) return this.standing(toRow(mine));
      const now = this.now().toISOString();
      const busy = this.running(d.model) !== null || this.queued(d.model).length > 0;
      const { fromVersion, strategy } = busy ? { fromVersion: null, strategy: d.strategy } : plan();
      const r = this.db
        .prepare(
          `INSERT INTO deployments (model_name, kind, strategy, from_version, to_version, state, started_at, actor,
             workflow_id, run_id, parent_workflow_id, reason, queued_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(d.model, d.kind, strategy, fromVersion, d.toVersion, busy ? 'queued' : 'running', now, d.actor,
          d.workflowId, d.runId, d.parentWorkflowId ?? null, d.reason ?? null, busy ? now : null);
      return this.standing(this.get(Number(r.lastInsertRowid)));
    }).immediate();
  }

  /**
   * Starts a queued deployment when its turn has come: nothing of the model runs and it is the oldest queued.
   * Otherwise says what it still waits for. A row already running is returned as is (retries).
   */
  claim(id: number, plan: () => DeploymentPlan): QueueAnswer {
    return this.db.transaction((): QueueAnswer => {
      const row = this.get(id);
      if (row.state !== 'queued') return { row, waitingFor: null };
      const answer = this.standing(row);
      if (answer.waitingFor) return answer;
      const { fromVersion, strategy } = plan();
      this.db
        .prepare(
          `UPDATE deployments SET state = 'running', from_version = ?, strategy = ?, started_at = ?
           WHERE id = ? AND state = 'queued'`,
        )
        .run(fromVersion, strategy, this.now().toISOString(), id);
      return { row: this.get(id), waitingFor: null };
    }).immediate();
  }

  /** A queued row's place: the running deployment it waits for, else the oldest queued one before it. */
  private standing(row: DeploymentRow): QueueAnswer {
    if (row.state !== 'queued') return { row, waitingFor: null };
    const running = this.running(row.model);
    const before = this.queued(row.model).filter((q) => q.id < row.id);
    const blocker = running ?? before[0];
    if (!blocker) return { row, waitingFor: null };
    const waitingFor: DeploymentQueuePosition = {
      deploymentId: blocker.id,
      kind: blocker.kind,
      version: blocker.toVersion,
      workflowId: blocker.workflowId,
      state: blocker.state === 'running' ? 'running' : 'queued',
      ahead: before.length + (running ? 1 : 0),
    };
    return { row, waitingFor };
  }

  recordSteps(id: number, steps: readonly RolloutStep[]): void {
    this.db.prepare("UPDATE deployments SET steps_json = ? WHERE id = ? AND state = 'running'").run(JSON.stringify(steps), id);
  }

  /** Closes a deployment (running, or queued and given up); closing one already closed changes nothing (retries). */
  finish(id: number, state: Exclude<DeploymentRecordState, 'running'>, outcomeReason: string, steps: readonly RolloutStep[]): DeploymentRow {
    this.db
      .prepare(
        `UPDATE deployments SET state = ?, outcome_reason = ?, steps_json = ?, finished_at = ?
         WHERE id = ? AND state IN ('running', 'queued')`,
      )
      .run(state, outcomeReason, JSON.stringify(steps), this.now().toISOString(), id);
    return this.get(id);
  }

  get(id: number): DeploymentRow {
    const r = this.db.prepare('SELECT * FROM deployments WHERE id = ?').get(id) as DeploymentRecord | undefined;
    if (!r) throw new Error(`no deployment #${id}`);
    return toRow(r);
  }

  running(model: string): DeploymentRow | null {
    const r = this.db.prepare("SELECT * FROM deployments WHERE model_name = ? AND state = 'running'").get(model) as DeploymentRecord | undefined;
    return r ? toRow(r) : null;
  }

  /** A model's queued deployments, oldest (next to run) first. */
  queued(model: string): DeploymentRow[] {
    const sql = "SELECT * FROM deployments WHERE model_name = ? AND state = 'queued' ORDER BY id";
    const rows = this.db.prepare(sql).all(model);
    return (rows as DeploymentRecord[]).map(toRow);
  }

  /** A model's deployments, newest first. */
  list(model: string): DeploymentRow[] {
    return (this.db.prepare('SELECT * FROM deployments WHERE model_name = ? ORDER BY id DESC').all(model) as DeploymentRecord[]).map(toRow);
  }
}
