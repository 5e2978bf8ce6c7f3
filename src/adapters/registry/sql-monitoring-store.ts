import { createHash } from 'node:crypto';
import {
  referenceProfileSetSchema,
  type MonitorReport,
  type MonitoringStore,
  type ReferenceProfileSet,
  type ReportRow,
  type RetrainOutcome,
  type StoredProfile,
} from '../../domain';
import type { SqlDatabase } from './sql-database';
import { toReport, type ReportRecord } from './records';

interface ProfileRecord {
  id: string;
  model_name: string;
  version: number;
  dataset_id: string;
  rows: number;
  profile_json: string;
  created_at: string;
}

/**
 * The monitoring tables of the registry database (migration 4): reference profiles per version, monitor
 * reports, and the retrain each report started or why it did not. Writes are idempotent per workflow run.
 */
export class SqlMonitoringStore implements MonitoringStore {
  constructor(private readonly db: SqlDatabase, private readonly now: () => Date = () => new Date()) {}

  /** Stores a version's reference profile once; its id is the sha256 of model, version and profile JSON. */
  async saveProfile(p: { modelName: string; version: number; datasetId: string; profiles: ReferenceProfileSet }):
    Promise<{ id: string; created: boolean }> {
    const idOf = 'SELECT id FROM reference_profiles WHERE model_name = ? AND version = ?';
    const existing = await this.db.get<{ id: string }>(idOf, [p.modelName, p.version]);
    if (existing) return { id: existing.id, created: false };
    const json = JSON.stringify(p.profiles);
    // Two versions trained on the same data have equal profiles: the id names the version too.
    const id = createHash('sha256').update(`${p.modelName}\n${p.version}\n${json}`).digest('hex');
    await this.db.run(
      'INSERT INTO reference_profiles (id, model_name, version, dataset_id, rows, profile_json, created_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model_name, version) DO NOTHING',
      [id, p.modelName, p.version, p.datasetId, p.profiles.rows, json, this.now().toISOString()]);
    const stored = await this.db.get<{ id: string }>(idOf, [p.modelName, p.version]);
    return { id: stored?.id ?? id, created: stored?.id === id };
  }

  async getProfile(modelName: string, version: number): Promise<StoredProfile | null> {
    const r = await this.db.get<ProfileRecord>('SELECT * FROM reference_profiles WHERE model_name = ? AND version = ?',
      [modelName, version]);
    if (!r) return null;
    const profiles = referenceProfileSetSchema.parse(JSON.parse(r.profile_json));
    return { id: r.id, modelName: r.model_name, version: r.version, datasetId: r.dataset_id, rows: r.rows, profiles,
      createdAt: r.created_at };
  }

  /** Stores a report; a retried activity of the same run gets the report that run already stored. */
  async saveReport(report: MonitorReport, run: { workflowId: string; runId: string }): Promise<MonitorReport> {
    const done = await this.reportOfRun(run.workflowId, run.runId);
    if (done) return done;
    await this.db.run(
      `INSERT INTO monitor_reports (id, model_name, version, profile_id, window_start, window_end, rows, verdict,
         drift_share, report_json, workflow_id, run_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [report.id, report.model, report.version, report.profileId, report.window.start, report.window.end, report.rows,
        report.verdict, report.drift.dataset.driftedShare, JSON.stringify(report), run.workflowId, run.runId,
        report.createdAt]);
    return report;
  }

  async reportOfRun(workflowId: string, runId: string): Promise<MonitorReport | null> {
    const r = await this.db.get<{ report_json: string }>(
      'SELECT report_json FROM monitor_reports WHERE workflow_id = ? AND run_id = ?', [workflowId, runId]);
    return r ? (JSON.parse(r.report_json) as MonitorReport) : null;
  }

  /** End of the latest report of the model that ended before `before` (ISO), for the next window's start. */
  async previousWindowEnd(modelName: string, before: string): Promise<string | null> {
    const r = await this.db.get<{ e: string | null }>(
      'SELECT max(window_end) AS e FROM monitor_reports WHERE model_name = ? AND window_end < ?', [modelName, before]);
    return r?.e ?? null;
  }

  /** When the last retrain a monitor started for the model began (ISO), for the cooldown. */
  async lastRetrainStart(modelName: string): Promise<string | null> {
    const r = await this.db.get<{ t: string | null }>(
      "SELECT max(retrain_at) AS t FROM monitor_reports WHERE model_name = ? AND retrain_action = 'started'",
      [modelName]);
    return r?.t ?? null;
  }

  /** Records what the report led to, once (a retried activity changes nothing). */
  async recordRetrain(reportId: string, o: RetrainOutcome): Promise<void> {
    const changed = await this.db.run(
      `UPDATE monitor_reports SET retrain_action = ?, retrain_kind = ?, retrain_detail = ?, retrain_workflow_id = ?,
         retrain_run_id = ?, retrain_at = ?
       WHERE id = ? AND retrain_action IS NULL`,
      [o.action, o.kind ?? null, o.detail, o.workflowId ?? null, o.runId ?? null, o.at, reportId]);
    if (changed === 0 && !(await this.db.get('SELECT 1 AS found FROM monitor_reports WHERE id = ?', [reportId]))) {
      throw new Error(`no monitor report ${reportId}`);
    }
  }

  async listReports(modelName: string, limit = 20): Promise<ReportRow[]> {
    const rows = await this.db.all<ReportRecord>(
      'SELECT * FROM monitor_reports WHERE model_name = ? ORDER BY window_end DESC, created_at DESC LIMIT ?',
      [modelName, limit]);
    return rows.map(toReport);
  }

  async getReport(id: string): Promise<{ row: ReportRow; report: MonitorReport } | null> {
    const r = await this.db.get<ReportRecord>('SELECT * FROM monitor_reports WHERE id = ?', [id]);
    return r ? { row: toReport(r), report: JSON.parse(r.report_json) as MonitorReport } : null;
  }
}
