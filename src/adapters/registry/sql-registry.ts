import {
  type AliasHistoryEntry,
  type AliasHistoryRow,
  type AliasRow,
  type AuditLog,
  type DecisionRow,
  type DeploymentLedger,
  type ModelVersionRow,
  type MonitoringStore,
  type NewVersion,
  type RecordedDecision,
  type Registry,
  type VersionStatus,
  type VersionTags,
} from '../../domain';
import { SqlAuditLog } from './sql-audit-log';
import type { SqlDatabase, SqlSession } from './sql-database';
import { SqlDeploymentLedger } from './sql-deployment-ledger';
import { SqlMonitoringStore } from './sql-monitoring-store';
import { SqlVersionTags } from './sql-version-tags';
import { toVersion, type VersionRecord } from './records';
import { aliasTarget, versionIn } from './registry-reads';

const ALIAS_MOVE_COLUMNS = 'from_version AS "fromVersion", to_version AS "toVersion", moved_at AS "movedAt", actor, ' +
  'workflow_id AS "workflowId", reason';

/**
 * The model registry over SQLite or PostgreSQL: the same statements and transactions for both. Every write is
 * idempotent on the workflow run that makes it, so an activity retried after a crash never creates a second
 * version, decision or alias move.
 */
export class SqlRegistry implements Registry {
  readonly dialect: Registry['dialect'];
  readonly audit: AuditLog;
  readonly deployments: DeploymentLedger;
  readonly monitoring: MonitoringStore;
  readonly tags: VersionTags;

  constructor(readonly db: SqlDatabase, private readonly now: () => Date = () => new Date()) {
    this.dialect = db.dialect;
    this.audit = new SqlAuditLog(db, now);
    this.deployments = new SqlDeploymentLedger(db, now);
    this.monitoring = new SqlMonitoringStore(db, now);
    this.tags = new SqlVersionTags(db, now);
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  registerVersion(v: NewVersion): Promise<{ version: number; created: boolean }> {
    return this.db.write(async (tx) => {
      const existing = await tx.get<{ version: number }>(
        'SELECT version FROM model_versions WHERE workflow_id = ? AND run_id = ?', [v.workflowId, v.runId]);
      if (existing) return { version: existing.version, created: false };
      const at = this.stamp();
      await tx.run('INSERT INTO models (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
        [v.modelName, at]);
      const next = (await tx.get<{ n: number }>(
        'SELECT coalesce(max(version), 0) + 1 AS n FROM model_versions WHERE model_name = ?', [v.modelName]))?.n ?? 1;
      await tx.run(
        `INSERT INTO model_versions (model_name, version, status, dataset_id, dataset_path, dataset_rows, spec_json,
           params_json, metrics_json, evaluation_json, artifact_path, artifact_sha256, code_version, workflow_id,
           run_id, requested_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [v.modelName, next, v.status, v.datasetId, v.datasetPath, v.datasetRows, JSON.stringify(v.spec),
          JSON.stringify(v.params), JSON.stringify(v.metrics), JSON.stringify(v.evaluation), v.artifactPath,
          v.artifactSha256, v.codeVersion, v.workflowId, v.runId, v.requestedBy, at],
      );
      return { version: next, created: true };
    });
  }

  async setStatus(modelName: string, version: number, status: VersionStatus, reason: string | null = null):
    Promise<void> {
    await setStatusIn(this.db, modelName, version, status, reason);
  }

  markFailed(modelName: string, version: number, reason: string): Promise<VersionStatus> {
    return this.db.write(async (tx) => {
      const serving = (await aliasTarget(tx, modelName, 'production')) === version;
      if (!serving) await setStatusIn(tx, modelName, version, 'failed', reason);
      return (await versionIn(tx, modelName, version)).status;
    });
  }

  async recordDecision(d: { modelName: string; version: number; decision: RecordedDecision; workflowId: string;
    runId: string }): Promise<void> {
    await this.db.run(
      `INSERT INTO decisions (model_name, version, decision, approver, comment, decided_at, workflow_id, run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workflow_id, run_id, approver, decision) DO NOTHING`,
      [d.modelName, d.version, d.decision.kind, d.decision.approver, d.decision.comment ?? null, d.decision.at,
        d.workflowId, d.runId],
    );
  }

  decisionsFor(modelName: string, version: number): Promise<DecisionRow[]> {
    return this.db.all<DecisionRow>(
      'SELECT decision, approver, comment, decided_at AS "decidedAt" FROM decisions ' +
        'WHERE model_name = ? AND version = ? ORDER BY id', [modelName, version]);
  }

  moveAlias(m: { modelName: string; alias: string; version: number; actor: string; workflowId?: string;
    runId?: string; reason?: string }): Promise<{ from: number | null }> {
    return this.db.write(async (tx) => {
      await versionIn(tx, m.modelName, m.version);
      const from = await aliasTarget(tx, m.modelName, m.alias);
      if (m.workflowId && m.runId) {
        const done = await tx.get<{ f: number | null }>(
          'SELECT from_version AS f FROM alias_history ' +
            'WHERE workflow_id = ? AND run_id = ? AND alias = ? AND to_version = ?',
          [m.workflowId, m.runId, m.alias, m.version]);
        if (done) return { from: done.f };
      }
      const at = this.stamp();
      await tx.run(
        'INSERT INTO aliases (model_name, alias, version, updated_at) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (model_name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at',
        [m.modelName, m.alias, m.version, at]);
      await tx.run(
        'INSERT INTO alias_history (model_name, alias, from_version, to_version, moved_at, actor, workflow_id, ' +
          'run_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [m.modelName, m.alias, from, m.version, at, m.actor, m.workflowId ?? null, m.runId ?? null, m.reason ?? null]);
      return { from };
    });
  }

  deleteAlias(m: { modelName: string; alias: string; actor: string; reason?: string }):
    Promise<{ from: number | null }> {
    return this.db.write(async (tx) => {
      const from = await aliasTarget(tx, m.modelName, m.alias);
      if (from === null) return { from: null };
      await tx.run('DELETE FROM aliases WHERE model_name = ? AND alias = ?', [m.modelName, m.alias]);
      await tx.run(
        'INSERT INTO alias_history (model_name, alias, from_version, to_version, moved_at, actor, reason) ' +
          'VALUES (?, ?, ?, NULL, ?, ?, ?)',
        [m.modelName, m.alias, from, this.stamp(), m.actor, m.reason ?? null]);
      return { from };
    });
  }

  getVersion(modelName: string, version: number): Promise<ModelVersionRow> {
    return versionIn(this.db, modelName, version);
  }

  async findByAlias(modelName: string, alias: string): Promise<ModelVersionRow | null> {
    const version = await aliasTarget(this.db, modelName, alias);
    return version === null ? null : versionIn(this.db, modelName, version);
  }

  async listVersions(modelName?: string): Promise<ModelVersionRow[]> {
    const rows = modelName
      ? await this.db.all<VersionRecord>(
        'SELECT * FROM model_versions WHERE model_name = ? ORDER BY model_name, version', [modelName])
      : await this.db.all<VersionRecord>('SELECT * FROM model_versions ORDER BY model_name, version');
    return rows.map(toVersion);
  }

  listAliases(modelName?: string): Promise<AliasRow[]> {
    const sql = 'SELECT model_name AS "modelName", alias, version, updated_at AS "updatedAt" FROM aliases';
    return modelName
      ? this.db.all<AliasRow>(`${sql} WHERE model_name = ? ORDER BY alias`, [modelName])
      : this.db.all<AliasRow>(`${sql} ORDER BY model_name, alias`);
  }

  aliasHistory(modelName: string, alias = 'production'): Promise<AliasHistoryRow[]> {
    return this.db.all<AliasHistoryRow>(
      `SELECT ${ALIAS_MOVE_COLUMNS} FROM alias_history WHERE model_name = ? AND alias = ? ORDER BY id`,
      [modelName, alias]);
  }

  aliasMoves(modelName: string): Promise<AliasHistoryEntry[]> {
    return this.db.all<AliasHistoryEntry>(
      `SELECT alias, ${ALIAS_MOVE_COLUMNS}, run_id AS "runId" FROM alias_history WHERE model_name = ? ORDER BY id`,
      [modelName]);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

async function setStatusIn(s: SqlSession, modelName: string, version: number, status: VersionStatus,
  reason: string | null): Promise<void> {
  const sql = 'UPDATE model_versions SET status = ?, status_reason = ? WHERE model_name = ? AND version = ?';
  const changed = await s.run(sql, [status, reason, modelName, version]);
  if (changed !== 1) throw new Error(`no version ${modelName}@${version}`);
}
