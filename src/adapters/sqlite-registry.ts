import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { registryMigrations } from './registry-schema';
import type { AliasHistoryEntry, EvaluationReport, MetricSummary, RecordedDecision } from '../domain';

/** `failed`: its lifecycle or deployment failed for good (the reason is kept with the status). */
export type VersionStatus =
  | 'pending_approval'
  | 'not_blessed'
  | 'approved'
  | 'rejected'
  | 'deployed'
  | 'rolled_back'
  | 'failed';

/** A version's lineage: what it was trained on, how, by which code and which workflow run. */
interface VersionLineage {
  modelName: string;
  status: VersionStatus;
  datasetId: string;
  datasetPath: string;
  datasetRows: number;
  spec: unknown;
  params: unknown;
  metrics: MetricSummary;
  artifactPath: string;
  artifactSha256: string;
  codeVersion: string | null;
  workflowId: string;
  runId: string;
  requestedBy: string;
}

export interface NewVersion extends VersionLineage {
  evaluation: EvaluationReport;
}

export interface ModelVersionRow extends VersionLineage {
  version: number;
  /** Why the version has its status, when something recorded it (failed, rolled back). */
  statusReason: string | null;
  createdAt: string;
}

export interface AliasRow {
  modelName: string;
  alias: string;
  version: number;
  updatedAt: string;
}

interface VersionRecord {
  model_name: string;
  version: number;
  status: VersionStatus;
  dataset_id: string;
  dataset_path: string;
  dataset_rows: number;
  spec_json: string;
  params_json: string;
  metrics_json: string;
  artifact_path: string;
  artifact_sha256: string;
  code_version: string | null;
  workflow_id: string;
  run_id: string;
  requested_by: string;
  created_at: string;
  status_reason: string | null;
}

const toVersion = (r: VersionRecord): ModelVersionRow => ({
  modelName: r.model_name,
  version: r.version,
  status: r.status,
  statusReason: r.status_reason,
  datasetId: r.dataset_id,
  datasetPath: r.dataset_path,
  datasetRows: r.dataset_rows,
  spec: JSON.parse(r.spec_json),
  params: JSON.parse(r.params_json),
  metrics: JSON.parse(r.metrics_json),
  artifactPath: r.artifact_path,
  artifactSha256: r.artifact_sha256,
  codeVersion: r.code_version,
  workflowId: r.workflow_id,
  runId: r.run_id,
  requestedBy: r.requested_by,
  createdAt: r.created_at,
});

/**
 * The model registry in SQLite (WAL). Every write is idempotent on the workflow run that makes it, so an
 * activity retried after a crash never creates a second version, decision or alias move.
 */
export class SqliteRegistry {
  readonly db: Database.Database;

  constructor(path: string, private readonly now: () => Date = () => new Date()) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
  }

  private migrate(): void {
    const applied = this.db.pragma('user_version', { simple: true }) as number;
    registryMigrations.slice(applied).forEach((sql, i) => {
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.pragma(`user_version = ${applied + i + 1}`);
      })();
    });
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  /** Registers the next version of a model; returns the existing one if this workflow run already did. */
  registerVersion(v: NewVersion): { version: number; created: boolean } {
    return this.db.transaction(() => {
      const existing = this.db
        .prepare('SELECT version FROM model_versions WHERE workflow_id = ? AND run_id = ?')
        .get(v.workflowId, v.runId) as { version: number } | undefined;
      if (existing) return { version: existing.version, created: false };
      const at = this.stamp();
      this.db.prepare('INSERT OR IGNORE INTO models (name, created_at) VALUES (?, ?)').run(v.modelName, at);
      const next = (this.db.prepare('SELECT coalesce(max(version), 0) + 1 AS n FROM model_versions WHERE model_name = ?').get(v.modelName) as { n: number }).n;
      this.db
        .prepare(
          `INSERT INTO model_versions (model_name, version, status, dataset_id, dataset_path, dataset_rows, spec_json, params_json,
             metrics_json, evaluation_json, artifact_path, artifact_sha256, code_version, workflow_id, run_id, requested_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          v.modelName, next, v.status, v.datasetId, v.datasetPath, v.datasetRows, JSON.stringify(v.spec), JSON.stringify(v.params),
          JSON.stringify(v.metrics), JSON.stringify(v.evaluation), v.artifactPath, v.artifactSha256, v.codeVersion, v.workflowId, v.runId,
          v.requestedBy, at,
        );
      return { version: next, created: true };
    }).immediate();
  }

  setStatus(modelName: string, version: number, status: VersionStatus, reason: string | null = null): void {
    const r = this.db
      .prepare('UPDATE model_versions SET status = ?, status_reason = ? WHERE model_name = ? AND version = ?')
      .run(status, reason, modelName, version);
    if (r.changes !== 1) throw new Error(`no version ${modelName}@${version}`);
  }

  /**
   * Marks a version `failed` with the reason, unless it is in production (the registry must keep saying what
   * serves). Returns the status the version has afterwards.
   */
  markFailed(modelName: string, version: number, reason: string): VersionStatus {
    return this.db.transaction(() => {
      const serving = this.findByAlias(modelName, 'production')?.version === version;
      if (!serving) this.setStatus(modelName, version, 'failed', reason);
      return this.getVersion(modelName, version).status;
    }).immediate();
  }

  recordDecision(d: { modelName: string; version: number; decision: RecordedDecision; workflowId: string; runId: string }): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO decisions (model_name, version, decision, approver, comment, decided_at, workflow_id, run_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(d.modelName, d.version, d.decision.kind, d.decision.approver, d.decision.comment ?? null, d.decision.at, d.workflowId, d.runId);
  }

  decisionsFor(modelName: string, version: number): { decision: string; approver: string; comment: string | null; decidedAt: string }[] {
    return this.db
      .prepare('SELECT decision, approver, comment, decided_at AS decidedAt FROM decisions WHERE model_name = ? AND version = ? ORDER BY id')
      .all(modelName, version) as { decision: string; approver: string; comment: string | null; decidedAt: string }[];
  }

  /** Moves an alias and appends the move to its history, atomically and once per workflow run. */
  moveAlias(m: { modelName: string; alias: string; version: number; actor: string; workflowId?: string; runId?: string; reason?: string }): { from: number | null } {
    return this.db.transaction(() => {
      this.getVersion(m.modelName, m.version);
      const current = this.db.prepare('SELECT version FROM aliases WHERE model_name = ? AND alias = ?').get(m.modelName, m.alias) as { version: number } | undefined;
      const from = current?.version ?? null;
      if (m.workflowId && m.runId) {
        const done = this.db
          .prepare('SELECT from_version AS f FROM alias_history WHERE workflow_id = ? AND run_id = ? AND alias = ? AND to_version = ?')
          .get(m.workflowId, m.runId, m.alias, m.version) as { f: number | null } | undefined;
        if (done) return { from: done.f };
      }
      const at = this.stamp();
      this.db
        .prepare('INSERT INTO aliases (model_name, alias, version, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (model_name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at')
        .run(m.modelName, m.alias, m.version, at);
      this.db
        .prepare('INSERT INTO alias_history (model_name, alias, from_version, to_version, moved_at, actor, workflow_id, run_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(m.modelName, m.alias, from, m.version, at, m.actor, m.workflowId ?? null, m.runId ?? null, m.reason ?? null);
      return { from };
    }).immediate();
  }

  /**
   * Removes an alias and appends the removal (a history row with no target) — audited as `alias.deleted` by the
   * database. Returns the version it pointed at, or null when the alias was not set (nothing is recorded then).
   */
  deleteAlias(m: { modelName: string; alias: string; actor: string; reason?: string }): { from: number | null } {
    return this.db.transaction(() => {
      const current = this.db.prepare('SELECT version FROM aliases WHERE model_name = ? AND alias = ?')
        .get(m.modelName, m.alias) as { version: number } | undefined;
      if (!current) return { from: null };
      this.db.prepare('DELETE FROM aliases WHERE model_name = ? AND alias = ?').run(m.modelName, m.alias);
      this.db
        .prepare('INSERT INTO alias_history (model_name, alias, from_version, to_version, moved_at, actor, reason) ' +
          'VALUES (?, ?, ?, NULL, ?, ?, ?)')
        .run(m.modelName, m.alias, current.version, this.stamp(), m.actor, m.reason ?? null);
      return { from: current.version };
    }).immediate();
  }

  getVersion(modelName: string, version: number): ModelVersionRow {
    const r = this.db.prepare('SELECT * FROM model_versions WHERE model_name = ? AND version = ?').get(modelName, version) as VersionRecord | undefined;
    if (!r) throw new VersionNotFoundError(modelName, version);
    return toVersion(r);
  }

  findByAlias(modelName: string, alias: string): ModelVersionRow | null {
    const a = this.db.prepare('SELECT version FROM aliases WHERE model_name = ? AND alias = ?').get(modelName, alias) as { version: number } | undefined;
    return a ? this.getVersion(modelName, a.version) : null;
  }

  listVersions(modelName?: string): ModelVersionRow[] {
    const rows = (modelName
      ? this.db.prepare('SELECT * FROM model_versions WHERE model_name = ? ORDER BY model_name, version').all(modelName)
      : this.db.prepare('SELECT * FROM model_versions ORDER BY model_name, version').all()) as VersionRecord[];
    return rows.map(toVersion);
  }

  listAliases(modelName?: string): AliasRow[] {
    const sql = 'SELECT model_name AS modelName, alias, version, updated_at AS updatedAt FROM aliases';
    return (modelName ? this.db.prepare(`${sql} WHERE model_name = ? ORDER BY alias`).all(modelName) : this.db.prepare(`${sql} ORDER BY model_name, alias`).all()) as AliasRow[];
  }

  /** Moves of one alias, oldest first; `toVersion` null is a deletion (never for `production`). */
  aliasHistory(modelName: string, alias = 'production'): {
    fromVersion: number | null;
    toVersion: number | null;
    movedAt: string;
    actor: string;
    workflowId: string | null;
    reason: string | null;
  }[] {
    return this.db
      .prepare('SELECT from_version AS fromVersion, to_version AS toVersion, moved_at AS movedAt, actor, workflow_id AS workflowId, reason FROM alias_history WHERE model_name = ? AND alias = ? ORDER BY id')
      .all(modelName, alias) as never;
  }

  /** Every move of every alias of a model, oldest first (for its timeline). */
  aliasMoves(modelName: string): AliasHistoryEntry[] {
    const columns = 'alias, from_version AS fromVersion, to_version AS toVersion, moved_at AS movedAt, actor, ' +
      'workflow_id AS workflowId, run_id AS runId, reason';
    const sql = `SELECT ${columns} FROM alias_history WHERE model_name = ? ORDER BY id`;
    return this.db.prepare(sql).all(modelName) as never;
  }

  close(): void {
    this.db.close();
  }
}

export class VersionNotFoundError extends Error {
  constructor(readonly modelName: string, readonly version: number) {
    super(`model version ${modelName}@${version} is not registered`);
    this.name = 'VersionNotFoundError';
  }
}
