/**
 * SQLite schema of the model registry, as ordered migrations (PRAGMA user_version tracks the applied ones).
 * Version content is immutable: triggers refuse updates of lineage columns and any delete.
 */
export const registryMigrations: string[] = [
  `
  CREATE TABLE models (
    name        TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL
  );
  CREATE TABLE model_versions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
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
  CREATE TRIGGER model_versions_immutable BEFORE UPDATE OF
    model_name, version, dataset_id, dataset_path, dataset_rows, spec_json, params_json, metrics_json,
    evaluation_json, artifact_path, artifact_sha256, code_version, workflow_id, run_id, requested_by, created_at
    ON model_versions
  BEGIN SELECT RAISE(ABORT, 'model versions are immutable'); END;
  CREATE TRIGGER model_versions_no_delete BEFORE DELETE ON model_versions
  BEGIN SELECT RAISE(ABORT, 'model versions cannot be deleted'); END;

  CREATE TABLE decisions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
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
  CREATE TABLE alias_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    model_name    TEXT NOT NULL,
    alias         TEXT NOT NULL,
    from_version  INTEGER,
    to_version    INTEGER NOT NULL,
    moved_at      TEXT NOT NULL,
    actor         TEXT NOT NULL,
    workflow_id   TEXT,
    run_id        TEXT,
    reason        TEXT,
    UNIQUE (workflow_id, run_id, alias, to_version)
  );
  CREATE TRIGGER alias_history_append_only_u BEFORE UPDATE ON alias_history
  BEGIN SELECT RAISE(ABORT, 'alias history is append-only'); END;
  CREATE TRIGGER alias_history_append_only_d BEFORE DELETE ON alias_history
  BEGIN SELECT RAISE(ABORT, 'alias history is append-only'); END;
  `,
  // 2 — monitoring: reference profiles of versions (immutable), monitor reports and what each one triggered.
  // Labels live as Parquet files next to the prediction log instead: they grow with traffic and are joined
  // with it by DuckDB, while this database keeps small, transactional metadata.
  `
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
  CREATE TRIGGER reference_profiles_immutable BEFORE UPDATE ON reference_profiles
  BEGIN SELECT RAISE(ABORT, 'reference profiles are immutable'); END;

  CREATE TABLE monitor_reports (
    id                   TEXT PRIMARY KEY,
    model_name           TEXT NOT NULL,
    version              INTEGER NOT NULL,
    profile_id           TEXT NOT NULL REFERENCES reference_profiles (id),
    window_start         TEXT NOT NULL,
    window_end           TEXT NOT NULL,
    rows                 INTEGER NOT NULL,
    verdict              TEXT NOT NULL,
    drift_share          REAL NOT NULL,
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
  CREATE TRIGGER monitor_reports_immutable BEFORE UPDATE OF
    id, model_name, version, profile_id, window_start, window_end, rows, verdict, drift_share, report_json, workflow_id, run_id, created_at
    ON monitor_reports
  BEGIN SELECT RAISE(ABORT, 'monitor reports are immutable; only the retrain outcome is recorded later'); END;
  CREATE TRIGGER monitor_reports_no_delete BEFORE DELETE ON monitor_reports
  BEGIN SELECT RAISE(ABORT, 'monitor reports cannot be deleted'); END;
  `,
];
