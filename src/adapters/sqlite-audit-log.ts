import type Database from 'better-sqlite3';
import { auditEventKey, type AuditEvent, type AuditEventInput, type AuditEventKind } from '../domain';

interface AuditRecord {
  id: number;
  event_key: string;
  at: string;
  recorded_at: string;
  kind: AuditEventKind;
  actor: string;
  model_name: string | null;
  version: number | null;
  workflow_id: string | null;
  run_id: string | null;
  details_json: string;
}

const toEvent = (r: AuditRecord): AuditEvent => ({
  id: r.id,
  eventKey: r.event_key,
  at: r.at,
  recordedAt: r.recorded_at,
  kind: r.kind,
  actor: r.actor,
  model: r.model_name,
  version: r.version,
  workflowId: r.workflow_id,
  runId: r.run_id,
  details: JSON.parse(r.details_json) as Record<string, unknown>,
});

export interface AuditFilter {
  readonly model?: string;
  readonly workflowId?: string;
  readonly runId?: string;
}

/**
 * The audit trail in the registry's database (table `audit_events`, migration 2). This class only inserts
 * and reads; the table's triggers refuse any UPDATE or DELETE, whoever asks.
 */
export class SqliteAuditLog {
  constructor(private readonly db: Database.Database, private readonly now: () => Date = () => new Date()) {}

  /**
   * Appends a workflow run's events. Re-appending a stored event (same run and seq, same content) is a no-op
   * — the schema's insert trigger makes it one — so a retried activity adds nothing; a different event under
   * a stored key is refused.
   *
   * One difference is allowed: the time. Events are stamped with workflow time, which is the time of the
   * workflow task that recorded them; when a worker dies after an append but before that task completed, the
   * task runs again at a later time and the same events come back with a later `at`. The first stored time
   * stays (found by the chaos soak: without this the run's audit append failed forever after such a crash).
   */
  append(workflowId: string, runId: string, events: readonly AuditEventInput[]): { inserted: number } {
    const insert = this.db.prepare(
      `INSERT INTO audit_events (event_key, at, recorded_at, kind, actor, model_name, version, workflow_id, run_id, details_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const storedAt = this.db.prepare(
      `SELECT at FROM audit_events WHERE event_key = ? AND kind = ? AND actor = ? AND model_name IS ? AND version IS ?
         AND workflow_id IS ? AND run_id IS ? AND details_json = ?`,
    );
    return this.db.transaction(() => {
      const recordedAt = this.now().toISOString();
      let inserted = 0;
      for (const e of events) {
        const key = auditEventKey(workflowId, runId, e.seq);
        const details = JSON.stringify(e.details);
        const version = e.version ?? null;
        // The same event again (at any time): already in the trail.
        if (storedAt.get(key, e.kind, e.actor, e.model, version, workflowId, runId, details)) continue;
        const row = [key, e.at, recordedAt, e.kind, e.actor, e.model, version, workflowId, runId, details];
        inserted += insert.run(...row).changes;
      }
      return { inserted };
    }).immediate();
  }

  /** Events in the order they were appended, optionally for one model or one workflow (run). */
  list(filter: AuditFilter = {}): AuditEvent[] {
    const columns: [string, string | undefined][] = [['model_name', filter.model], ['workflow_id', filter.workflowId], ['run_id', filter.runId]];
    const conditions = columns.filter((c): c is [string, string] => Boolean(c[1]));
    const where = conditions.length ? ` WHERE ${conditions.map(([column]) => `${column} = ?`).join(' AND ')}` : '';
    const args = conditions.map(([, value]) => value);
    const sql = `SELECT * FROM audit_events${where} ORDER BY id`;
    return (this.db.prepare(sql).all(...args) as AuditRecord[]).map(toEvent);
  }
}
