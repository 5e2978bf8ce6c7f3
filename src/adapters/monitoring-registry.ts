import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { referenceProfileSetSchema, type MonitorReport, type MonitorVerdict, type ReferenceProfileSet, type RetrainOutcome, type TriggerKind } from '../domain';

export interface StoredProfile {
  readonly id: string;
  readonly modelName: string;
  readonly version: number;
  readonly datasetId: string;
  readonly rows: number;
  readonly profiles: ReferenceProfileSet;
  readonly createdAt: string;
}

export interface ReportRow {
  readonly id: string;
  readonly modelName: string;
  readonly version: number;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly rows: number;
  readonly verdict: MonitorVerdict;
  readonly driftShare: number;
  readonly workflowId: string;
  readonly runId: string;
  readonly createdAt: string;
  readonly retrain: RetrainOutcome | null;
}

interface ReportRecord {
  id: string;
  model_name: string;
  version: number;
  window_start: string;
  window_end: string;
  rows: number;
  verdict: MonitorVerdict;
  drift_share: number;
  workflow_id: string;
  run_id: string;
  created_at: string;
  report_json: string;
  retrain_action: RetrainOutcome['action'] | null;
  retrain_kind: TriggerKind | null;
  retrain_detail: string | null;
  retrain_workflow_id: string | null;
  retrain_run_id: string | null;
  retrain_at: string | null;
}

const toRow = (r: ReportRecord): ReportRow => ({
  id: r.id,
  modelName: r.model_name,
  version: r.version,
  windowStart: r.window_start,
  windowEnd: r.window_end,
  rows: r.rows,
  verdict: r.verdict,
  driftShare: r.drift_share,
  workflowId: r.workflow_id,
  runId: r.run_id,
  createdAt: r.created_at,
  retrain:
    r.retrain_action === null
      ? null
      : {
          action: r.retrain_action,
          detail: r.retrain_detail ?? '',
          at: r.retrain_at ?? r.created_at,
          ...(r.retrain_kind ? { kind: r.retrain_kind } : {}),
          ...(r.retrain_workflow_id ? { workflowId: r.retrain_workflow_id } : {}),
          ...(r.retrain_run_id ? { runId: r.retrain_run_id } : {}),
        },
});

/**
 * The monitoring tables of the registry database (migration 2): reference profiles per version, monitor
 * reports, and the retrain each report started or why it did not. Writes are idempotent per workflow run.
 */
export class MonitoringRegistry {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Stores a version's reference profile once; its id is the sha256 of model, version and profile JSON. */
  saveProfile(p: { modelName: string; version: number; datasetId: string; profiles: ReferenceProfileSet }): { id: string; created: boolean } {
    const existing = this.db.prepare('SELECT id FROM reference_profiles WHERE model_name = ? AND version = ?').get(p.modelName, p.version) as { id: string } | undefined;
    if (existing) return { id: existing.id, created: false };
    const json = JSON.stringify(p.profiles);
    // Two versions trained on the same data have equal profiles: the id names the version too.
    const id = createHash('sha256').update(`${p.modelName}\n${p.version}\n${json}`).digest('hex');
    this.db
      .prepare('INSERT INTO reference_profiles (id, model_name, version, dataset_id, rows, profile_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model_name, version) DO NOTHING')
      .run(id, p.modelName, p.version, p.datasetId, p.profiles.rows, json, this.now().toISOString());
    const stored = this.db.prepare('SELECT id FROM reference_profiles WHERE model_name = ? AND version = ?').get(p.modelName, p.version) as { id: string };
    return { id: stored.id, created: stored.id === id };
  }

  getProfile(modelName: string, version: number): StoredProfile | null {
    const r = this.db.prepare('SELECT * FROM reference_profiles WHERE model_name = ? AND version = ?').get(modelName, version) as
      | { id: string; model_name: string; version: number; dataset_id: string; rows: number; profile_json: string; created_at: string }
      | undefined;
    if (!r) return null;
    const profiles = referenceProfileSetSchema.parse(JSON.parse(r.profile_json));
    return { id: r.id, modelName: r.model_name, version: r.version, datasetId: r.dataset_id, rows: r.rows, profiles, createdAt: r.created_at };
  }

  /** Stores a report; a retried activity of the same run gets the report that run already stored. */
  saveReport(report: MonitorReport, run: { workflowId: string; runId: string }): MonitorReport {
    const done = this.reportOfRun(run.workflowId, run.runId);
    if (done) return done;
    this.db
      .prepare(
        `INSERT INTO monitor_reports (id, model_name, version, profile_id, window_start, window_end, rows, verdict, drift_share, report_json, workflow_id, run_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(report.id, report.model, report.version, report.profileId, report.window.start, report.window.end, report.rows, report.verdict, report.drift.dataset.driftedShare, JSON.stringify(report), run.workflowId, run.runId, report.createdAt);
    return report;
  }

  reportOfRun(workflowId: string, runId: string): MonitorReport | null {
    const r = this.db.prepare('SELECT report_json FROM monitor_reports WHERE workflow_id = ? AND run_id = ?').get(workflowId, runId) as { report_json: string } | undefined;
    return r ? (JSON.parse(r.report_json) as MonitorReport) : null;
  }

  /** End of the latest report of the model that ended before `before` (ISO), for the next window's start. */
  previousWindowEnd(modelName: string, before: string): string | null {
    const r = this.db.prepare('SELECT max(window_end) AS e FROM monitor_reports WHERE model_name = ? AND window_end < ?').get(modelName, before) as { e: string | null };
    return r.e;
  }

  /** When the last retrain a monitor started for the model began (ISO), for the cooldown. */
  lastRetrainStart(modelName: string): string | null {
    const r = this.db.prepare(`SELECT max(retrain_at) AS t FROM monitor_reports WHERE model_name = ? AND retrain_action = 'started'`).get(modelName) as { t: string | null };
    return r.t;
  }

  /** Records what the report led to, once (a retried activity changes nothing). */
  recordRetrain(reportId: string, o: RetrainOutcome): void {
    const r = this.db
      .prepare(
        `UPDATE monitor_reports SET retrain_action = ?, retrain_kind = ?, retrain_detail = ?, retrain_workflow_id = ?, retrain_run_id = ?, retrain_at = ?
         WHERE id = ? AND retrain_action IS NULL`,
      )
      .run(o.action, o.kind ?? null, o.detail, o.workflowId ?? null, o.runId ?? null, o.at, reportId);
    if (r.changes === 0 && !this.db.prepare('SELECT 1 FROM monitor_reports WHERE id = ?').get(reportId)) throw new Error(`no monitor report ${reportId}`);
  }

  listReports(modelName: string, limit = 20): ReportRow[] {
    const rows = this.db.prepare('SELECT * FROM monitor_reports WHERE model_name = ? ORDER BY window_end DESC, created_at DESC LIMIT ?').all(modelName, limit) as ReportRecord[];
    return rows.map(toRow);
  }

  getReport(id: string): { row: ReportRow; report: MonitorReport } | null {
    const r = this.db.prepare('SELECT * FROM monitor_reports WHERE id = ?').get(id) as ReportRecord | undefined;
    return r ? { row: toRow(r), report: JSON.parse(r.report_json) as MonitorReport } : null;
  }
}
