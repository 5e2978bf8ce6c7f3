import type {
  DeploymentLedger,
  DeploymentQueuePosition,
  DeploymentRecordState,
  DeploymentRow,
  NewDeployment,
  PlanDeployment,
  QueueAnswer,
  RolloutStep,
} from '../../domain';
import type { SqlDatabase, SqlSession } from './sql-database';
import { aliasTarget } from './registry-reads';
import { toDeployment, type DeploymentRecord } from './records';

async function rowIn(s: SqlSession, id: number): Promise<DeploymentRow> {
  const r = await s.get<DeploymentRecord>('SELECT * FROM deployments WHERE id = ?', [id]);
  if (!r) throw new Error(`no deployment #${id}`);
  return toDeployment(r);
}

async function runningIn(s: SqlSession, model: string): Promise<DeploymentRow | null> {
  const sql = "SELECT * FROM deployments WHERE model_name = ? AND state = 'running'";
  const r = await s.get<DeploymentRecord>(sql, [model]);
  return r ? toDeployment(r) : null;
}

async function queuedIn(s: SqlSession, model: string): Promise<DeploymentRow[]> {
  const sql = "SELECT * FROM deployments WHERE model_name = ? AND state = 'queued' ORDER BY id";
  return (await s.all<DeploymentRecord>(sql, [model])).map(toDeployment);
}

/** A queued row's place: the running deployment it waits for, else the oldest queued one before it. */
async function standing(s: SqlSession, row: DeploymentRow): Promise<QueueAnswer> {
  if (row.state !== 'queued') return { row, waitingFor: null };
  const running = await runningIn(s, row.model);
  const before = (await queuedIn(s, row.model)).filter((q) => q.id < row.id);
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

/** Deployment history in the registry database: written by the deployment activities, read by the CLI. */
export class SqlDeploymentLedger implements DeploymentLedger {
  constructor(private readonly db: SqlDatabase, private readonly now: () => Date = () => new Date()) {}

  /**
   * Records a deployment: running at once when nothing of the model runs or waits, else queued behind the
   * others (first come, first served). `plan` is asked only when the row starts running, with the production
   * version read in the same transaction. The same workflow run gets its existing row back (activity retries).
   */
  begin(d: NewDeployment, plan: PlanDeployment): Promise<QueueAnswer> {
    return this.db.write(async (tx): Promise<QueueAnswer> => {
      const mine = await tx.get<DeploymentRecord>('SELECT * FROM deployments WHERE workflow_id = ? AND run_id = ?',
        [d.workflowId, d.runId]);
      if (mine) return standing(tx, toDeployment(mine));
      const now = this.now().toISOString();
      const busy = (await runningIn(tx, d.model)) !== null || (await queuedIn(tx, d.model)).length > 0;
      const { fromVersion, strategy } = busy
        ? { fromVersion: null, strategy: d.strategy }
        : plan(await aliasTarget(tx, d.model, 'production'));
      await tx.run(
        `INSERT INTO deployments (model_name, kind, strategy, from_version, to_version, state, started_at, actor,
           workflow_id, run_id, parent_workflow_id, reason, queued_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [d.model, d.kind, strategy, fromVersion, d.toVersion, busy ? 'queued' : 'running', now, d.actor,
          d.workflowId, d.runId, d.parentWorkflowId ?? null, d.reason ?? null, busy ? now : null]);
      const inserted = await tx.get<DeploymentRecord>('SELECT * FROM deployments WHERE workflow_id = ? AND run_id = ?',
        [d.workflowId, d.runId]);
      return standing(tx, toDeployment(inserted as DeploymentRecord));
    });
  }

  /**
   * Starts a queued deployment when its turn has come: nothing of the model runs and it is the oldest queued.
   * Otherwise says what it still waits for. A row already running is returned as is (retries).
   */
  claim(id: number, plan: PlanDeployment): Promise<QueueAnswer> {
    return this.db.write(async (tx): Promise<QueueAnswer> => {
      const row = await rowIn(tx, id);
      if (row.state !== 'queued') return { row, waitingFor: null };
      const answer = await standing(tx, row);
      if (answer.waitingFor) return answer;
      const { fromVersion, strategy } = plan(await aliasTarget(tx, row.model, 'production'));
      await tx.run(
        `UPDATE deployments SET state = 'running', from_version = ?, strategy = ?, started_at = ?
         WHERE id = ? AND state = 'queued'`,
        [fromVersion, strategy, this.now().toISOString(), id]);
      return { row: await rowIn(tx, id), waitingFor: null };
    });
  }

  async recordSteps(id: number, steps: readonly RolloutStep[]): Promise<void> {
    const sql = "UPDATE deployments SET steps_json = ? WHERE id = ? AND state = 'running'";
    await this.db.run(sql, [JSON.stringify(steps), id]);
  }

  /** Closes a deployment (running, or queued and given up); closing one already closed changes nothing (retries). */
  async finish(id: number, state: Exclude<DeploymentRecordState, 'running'>, outcomeReason: string,
    steps: readonly RolloutStep[]): Promise<DeploymentRow> {
    await this.db.run(
      `UPDATE deployments SET state = ?, outcome_reason = ?, steps_json = ?, finished_at = ?
       WHERE id = ? AND state IN ('running', 'queued')`,
      [state, outcomeReason, JSON.stringify(steps), this.now().toISOString(), id]);
    return this.get(id);
  }

  get(id: number): Promise<DeploymentRow> {
    return rowIn(this.db, id);
  }

  running(model: string): Promise<DeploymentRow | null> {
    return runningIn(this.db, model);
  }

  queued(model: string): Promise<DeploymentRow[]> {
    return queuedIn(this.db, model);
  }

  async list(model: string): Promise<DeploymentRow[]> {
    const sql = 'SELECT * FROM deployments WHERE model_name = ? ORDER BY id DESC';
    const rows = await this.db.all<DeploymentRecord>(sql, [model]);
    return rows.map(toDeployment);
  }
}
