import type Database from 'better-sqlite3';
import type { DeploymentKind, DeploymentRecordState, RolloutStep, Strategy } from '../domain';

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
});

export class DeploymentInProgressError extends Error {
  override name = 'DeploymentInProgressError';
  constructor(readonly running: DeploymentRow) {
    super(`deployment #${running.id} of ${running.model} (v${running.toVersion}, workflow ${running.workflowId}) is still running`);
  }
}

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

/** Deployment history in the registry database: written by the deployment activities, read by the CLI. */
export class DeploymentStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records a deployment as running; the same workflow run gets its existing row back. */
  begin(d: NewDeployment): DeploymentRow {
    return this.db.transaction(() => {
      const mine = this.db.prepare('SELECT * FROM deployments WHERE workflow_id = ? AND run_id = ?').get(d.workflowId, d.runId) as DeploymentRecord | undefined;
      if (mine) return toRow(mine);
      const other = this.running(d.model);
      if (other) throw new DeploymentInProgressError(other);
      const r = this.db
        .prepare(
          `INSERT INTO deployments (model_name, kind, strategy, from_version, to_version, state, started_at, actor, workflow_id, run_id, parent_workflow_id, reason)
           VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
        )
        .run(d.model, d.kind, d.strategy, d.fromVersion, d.toVersion, this.now().toISOString(), d.actor, d.workflowId, d.runId, d.parentWorkflowId ?? null, d.reason ?? null);
      return this.get(Number(r.lastInsertRowid));
    }).immediate();
  }

  recordSteps(id: number, steps: readonly RolloutStep[]): void {
    this.db.prepare("UPDATE deployments SET steps_json = ? WHERE id = ? AND state = 'running'").run(JSON.stringify(steps), id);
  }

  /** Closes a deployment; closing one already closed changes nothing (activity retries). */
  finish(id: number, state: Exclude<DeploymentRecordState, 'running'>, outcomeReason: string, steps: readonly RolloutStep[]): DeploymentRow {
    this.db
      .prepare("UPDATE deployments SET state = ?, outcome_reason = ?, steps_json = ?, finished_at = ? WHERE id = ? AND state = 'running'")
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

  /** A model's deployments, newest first. */
  list(model: string): DeploymentRow[] {
    return (this.db.prepare('SELECT * FROM deployments WHERE model_name = ? ORDER BY id DESC').all(model) as DeploymentRecord[]).map(toRow);
  }
}
