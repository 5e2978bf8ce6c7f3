import { dialectSql, type Dialect, type DialectSql } from './dialect-sql';

/**
 * The registry schema, as ordered migrations written ONCE for SQLite and PostgreSQL (the few differing pieces
 * come from `DialectSql`). Migration n is the n-th entry: SQLite counts them in PRAGMA user_version (numbering
 * kept from the first releases, so older databases migrate), PostgreSQL in the `registry_migrations` table.
 * Version content is immutable and histories append-only: triggers refuse the rest, whoever asks.
 */
const migrations: ((x: DialectSql) => string)[] = [
  // 1: models, versions (immutable lineage), decisions, aliases and their append-only history.
  (x) => `
  ${x.only('postgres', `CREATE OR REPLACE FUNCTION mlops_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;`)}
  CREATE TABLE models (
    name        TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL
  );
  CREATE TABLE model_versions (
    id               ${x.id},
    model_name       TEXT NOT NULL REFERENCES models(name),
    version          INTEGER NOT NULL,
    status           TEXT NOT NULL,
    dataset_id       TEXT NOT NULL,
    dataset_path     TEXT NOT NULL,
    dataset_rows     INTEGER NOT NULL,
    spec_json        TEXT NOT NULL,
    params_json      TEXT NOT NULL,
    metrics_json     TEXT NOT NULL,
    evaluation_json  TEXT NOT NULL,
    artifact_path    TEXT NOT NULL,
    artifact_sha256  TEXT NOT NULL,
    code_version     TEXT,
    workflow_id      TEXT NOT NULL,
    run_id           TEXT NOT NULL,
    requested_by     TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    UNIQUE (model_name, version),
    UNIQUE (workflow_id, run_id)
  );
  ${x.refuse('model_versions_immutable', `UPDATE OF
    model_name, version, dataset_id, dataset_path, dataset_rows, spec_json, params_json, metrics_json,
    evaluation_json, artifact_path, artifact_sha256, code_version, workflow_id, run_id, requested_by, created_at`,
    'model_versions', 'model versions are immutable')}
  ${x.refuse('model_versions_no_delete', 'DELETE', 'model_versions', 'model versions cannot be deleted')}

  CREATE TABLE decisions (
    id           ${x.id},
    model_name   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    decision     TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
    approver     TEXT NOT NULL,
    comment      TEXT,
    decided_at   TEXT NOT NULL,
    workflow_id  TEXT NOT NULL,
    run_id       TEXT NOT NULL,
    UNIQUE (workflow_id, run_id, approver, decision)
  );

  CREATE TABLE aliases (
    model_name  TEXT NOT NULL,
    alias       TEXT NOT NULL,
    version     INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (model_name, alias)
  );
  ${aliasHistoryTable(x, 'alias_history', 'NOT NULL')}
  ${aliasHistoryGuards(x)}
  `,
  // 2: the governance audit trail. Append-only in the database itself; alias moves are audited by trigger,
  // so every move (by a workflow, the CLI or a future tool) lands in the trail in the same transaction.
  (x) => `
  CREATE TABLE audit_events (
    id            ${x.id},
    event_key     TEXT NOT NULL UNIQUE,
    at            TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    kind          TEXT NOT NULL,
    actor         TEXT NOT NULL,
    model_name    TEXT,
    version       INTEGER,
    workflow_id   TEXT,
    run_id        TEXT,
    details_json  TEXT NOT NULL ${x.jsonCheck('details_json')}
  );
  CREATE INDEX audit_events_model ON audit_events (model_name, id);
  CREATE INDEX audit_events_workflow ON audit_events (workflow_id, run_id, id);
  ${x.refuse('audit_events_no_update', 'UPDATE', 'audit_events', 'the audit trail is append-only')}
  ${x.refuse('audit_events_no_delete', 'DELETE', 'audit_events', 'the audit trail is append-only')}
  ${x.only('sqlite', `
  -- INSERT OR REPLACE deletes without firing delete triggers: an insert that hits an existing row is a no-op
  -- when it repeats that row exactly (a retried append), and refused otherwise. (Before an automatic id is
  -- assigned, SQLite shows NEW.id as -1.) PostgreSQL has no REPLACE: its upserts fire the update trigger.
  CREATE TRIGGER audit_events_no_overwrite BEFORE INSERT ON audit_events
  WHEN EXISTS (SELECT 1 FROM audit_events WHERE event_key = NEW.event_key OR id = NEW.id)
  BEGIN
    SELECT CASE
      WHEN coalesce(NEW.id, -1) = -1 AND EXISTS (
        SELECT 1 FROM audit_events WHERE event_key = NEW.event_key AND at = NEW.at AND kind = NEW.kind
          AND actor = NEW.actor AND model_name IS NEW.model_name AND version IS NEW.version
          AND workflow_id IS NEW.workflow_id AND run_id IS NEW.run_id AND details_json = NEW.details_json)
      THEN RAISE(IGNORE)
      ELSE RAISE(ABORT, 'the audit trail is append-only')
    END;
  END;`)}
  ${aliasHistoryAudited(x, "'alias.moved'", 'NEW.to_version')}
  `,
  // 3: deployment history (progressive delivery). One row per deployment workflow run; one running per model.
  (x) => `
  ${deploymentsTable(x, 'deployments', "'running', 'promoted', 'rolled-back', 'failed'", '')}
  CREATE INDEX deployments_by_model ON deployments (model_name, id);
  CREATE UNIQUE INDEX deployments_one_running ON deployments (model_name) WHERE state = 'running';
  `,
  // 4: monitoring: reference profiles of versions (immutable), monitor reports and what each one triggered.
  // Labels live as Parquet files next to the prediction log instead: they grow with traffic and are joined
  // with it by DuckDB, while this database keeps small, transactional metadata.
  (x) => `
  CREATE TABLE reference_profiles (
    id            TEXT PRIMARY KEY,
    model_name    TEXT NOT NULL,
    version       INTEGER NOT NULL,
    dataset_id    TEXT NOT NULL,
    rows          INTEGER NOT NULL,
    profile_json  TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (model_name, version),
    FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version)
  );
  ${x.refuse('reference_profiles_immutable', 'UPDATE', 'reference_profiles', 'reference profiles are immutable')}

  CREATE TABLE monitor_reports (
    id                   TEXT PRIMARY KEY,
    model_name           TEXT NOT NULL,
    version              INTEGER NOT NULL,
    profile_id           TEXT NOT NULL REFERENCES reference_profiles (id),
    window_start         TEXT NOT NULL,
    window_end           TEXT NOT NULL,
    rows                 INTEGER NOT NULL,
    verdict              TEXT NOT NULL,
    drift_share          ${x.real} NOT NULL,
    report_json          TEXT NOT NULL,
    workflow_id          TEXT NOT NULL,
    run_id               TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    retrain_action       TEXT,
    retrain_kind         TEXT,
    retrain_detail       TEXT,
    retrain_workflow_id  TEXT,
    retrain_run_id       TEXT,
    retrain_at           TEXT,
    UNIQUE (workflow_id, run_id),
    FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version)
  );
  CREATE INDEX monitor_reports_by_window ON monitor_reports (model_name, window_end);
  ${x.refuse('monitor_reports_immutable', `UPDATE OF
    id, model_name, version, profile_id, window_start, window_end, rows, verdict, drift_share, report_json,
    workflow_id, run_id, created_at`,
    'monitor_reports', 'monitor reports are immutable; only the retrain outcome is recorded later')}
  ${x.refuse('monitor_reports_no_delete', 'DELETE', 'monitor_reports', 'monitor reports cannot be deleted')}
  `,
  // 5: deployments of a model queue instead of being refused (state 'queued', FIFO by id; `queued_at` says
  // since when), so the table is rebuilt for the new CHECK (SQLite cannot alter one: create, copy, drop,
  // rename). A version's status gets its reason (e.g. why it failed).
  (x) => `
  ${deploymentsTable(x, 'deployments_v5', "'queued', 'running', 'promoted', 'rolled-back', 'failed'",
    'queued_at TEXT,')}
  INSERT INTO deployments_v5 (id, model_name, kind, strategy, from_version, to_version, state, steps_json,
    started_at, finished_at, actor, workflow_id, run_id, parent_workflow_id, reason, outcome_reason)
  SELECT id, model_name, kind, strategy, from_version, to_version, state, steps_json, started_at,
    finished_at, actor, workflow_id, run_id, parent_workflow_id, reason, outcome_reason FROM deployments;
  DROP TABLE deployments;
  ALTER TABLE deployments_v5 RENAME TO deployments;
  ${x.resyncId('deployments')}
  CREATE INDEX deployments_by_model ON deployments (model_name, id);
  CREATE UNIQUE INDEX deployments_one_running ON deployments (model_name) WHERE state = 'running';
  CREATE INDEX deployments_queue ON deployments (model_name, state, id);

  ALTER TABLE model_versions ADD COLUMN status_reason TEXT;
  `,
  // 6: aliases besides `production` can be deleted (a history row with no `to_version`), and versions carry
  // key/value tags. The alias history is rebuilt for the nullable column (SQLite cannot drop NOT NULL; the
  // implicit delete of DROP TABLE fires no trigger) with its ids, so audit keys `alias-history/<id>` still
  // match. Tag changes are kept in their own append-only history, audited by trigger like alias moves.
  (x) => `
  ${aliasHistoryTable(x, 'alias_history_v6', '')}
  INSERT INTO alias_history_v6 (id, model_name, alias, from_version, to_version, moved_at, actor, workflow_id,
    run_id, reason)
  SELECT id, model_name, alias, from_version, to_version, moved_at, actor, workflow_id, run_id, reason
  FROM alias_history;
  DROP TABLE alias_history;
  ALTER TABLE alias_history_v6 RENAME TO alias_history;
  ${x.resyncId('alias_history')}
  ${aliasHistoryGuards(x)}
  ${aliasHistoryAudited(x, "CASE WHEN NEW.to_version IS NULL THEN 'alias.deleted' ELSE 'alias.moved' END",
    'coalesce(NEW.to_version, NEW.from_version)')}

  CREATE TABLE version_tags (
    model_name  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (model_name, version, key),
    FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version)
  );
  CREATE INDEX version_tags_by_value ON version_tags (key, value);
  CREATE TABLE version_tag_history (
    id          ${x.id},
    model_name  TEXT NOT NULL,
    version     INTEGER NOT NULL,
    key         TEXT NOT NULL,
    old_value   TEXT,
    new_value   TEXT,
    changed_at  TEXT NOT NULL,
    actor       TEXT NOT NULL
  );
  ${x.refuse('version_tag_history_append_only_u', 'UPDATE', 'version_tag_history', 'tag history is append-only')}
  ${x.refuse('version_tag_history_append_only_d', 'DELETE', 'version_tag_history', 'tag history is append-only')}
  ${x.afterInsert('version_tag_history_audited', 'version_tag_history', auditInsert(x, {
    key: "'tag-history/' || NEW.id",
    at: 'NEW.changed_at',
    kind: "CASE WHEN NEW.new_value IS NULL THEN 'tag.deleted' ELSE 'tag.set' END",
    version: 'NEW.version',
    run: 'NULL, NULL',
    details: "'key', NEW.key, 'from', NEW.old_value, 'to', NEW.new_value",
  }))}
  `,
];

function aliasHistoryTable(x: DialectSql, table: string, toVersionConstraint: string): string {
  return `CREATE TABLE ${table} (
    id            ${x.id},
    model_name    TEXT NOT NULL,
    alias         TEXT NOT NULL,
    from_version  INTEGER,
    to_version    INTEGER ${toVersionConstraint},
    moved_at      TEXT NOT NULL,
    actor         TEXT NOT NULL,
    workflow_id   TEXT,
    run_id        TEXT,
    reason        TEXT,
    UNIQUE (workflow_id, run_id, alias, to_version)
  );`;
}

function aliasHistoryGuards(x: DialectSql): string {
  return `${x.refuse('alias_history_append_only_u', 'UPDATE', 'alias_history', 'alias history is append-only')}
  ${x.refuse('alias_history_append_only_d', 'DELETE', 'alias_history', 'alias history is append-only')}`;
}

function aliasHistoryAudited(x: DialectSql, kind: string, version: string): string {
  return x.afterInsert('alias_history_audited', 'alias_history', auditInsert(x, {
    key: "'alias-history/' || NEW.id",
    at: 'NEW.moved_at',
    kind,
    version,
    run: 'NEW.workflow_id, NEW.run_id',
    details: "'alias', NEW.alias, 'fromVersion', NEW.from_version, 'toVersion', NEW.to_version, 'reason', NEW.reason",
  }));
}

/** The audit row a history trigger appends (actor and model come from the history row). */
function auditInsert(x: DialectSql, e: { key: string; at: string; kind: string; version: string; run: string;
  details: string }): string {
  return `INSERT INTO audit_events (event_key, at, recorded_at, kind, actor, model_name, version, workflow_id,
      run_id, details_json)
    VALUES (${e.key}, ${e.at}, ${x.now}, ${e.kind}, NEW.actor, NEW.model_name, ${e.version}, ${e.run},
      ${x.jsonObject(e.details)})`;
}

function deploymentsTable(x: DialectSql, table: string, states: string, extraColumns: string): string {
  return `CREATE TABLE ${table} (
    id                  ${x.id},
    model_name          TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('release', 'rollback')),
    strategy            TEXT NOT NULL CHECK (strategy IN ('direct', 'canary', 'shadow')),
    from_version        INTEGER,
    to_version          INTEGER NOT NULL,
    state               TEXT NOT NULL CHECK (state IN (${states})),
    steps_json          TEXT NOT NULL DEFAULT '[]',
    started_at          TEXT NOT NULL,
    finished_at         TEXT,
    actor               TEXT NOT NULL,
    workflow_id         TEXT NOT NULL,
    run_id              TEXT NOT NULL,
    parent_workflow_id  TEXT,
    reason              TEXT,
    outcome_reason      TEXT,
    ${extraColumns}
    UNIQUE (workflow_id, run_id)
  );`;
}

/** The migrations' SQL for one database, in order (entry n-1 is migration n). */
export function renderMigrations(dialect: Dialect): string[] {
  const x = dialectSql(dialect);
  return migrations.map((m) => m(x));
}
