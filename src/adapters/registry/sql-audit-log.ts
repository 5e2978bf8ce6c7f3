import {
  AuditConflictError,
  auditEventKey,
  auditIdentityDifferences,
  type AuditAppendResult,
  type AuditEvent,
  type AuditEventInput,
  type AuditFilter,
  type AuditLog,
} from '../../domain';
import type { SqlDatabase } from './sql-database';
import { toAuditEvent, type AuditRecord } from './records';

/**
 * The audit trail in the registry's database (table `audit_events`, migration 2). This class only inserts
 * and reads; the table's triggers refuse any UPDATE or DELETE, whoever asks.
 */
export class SqlAuditLog implements AuditLog {
  constructor(private readonly db: SqlDatabase, private readonly now: () => Date = () => new Date()) {}

  /**
   * Appends a workflow run's events, idempotently under any crash and retry: an event whose key is stored
   * already is skipped without touching its row (the first stored copy stands, even if this copy's `at` or
   * details differ), so a batch appended twice leaves one row per event. Key lookup and inserts share one
   * writing transaction, so concurrent appends of one batch cannot both insert.
   * @throws AuditConflictError when a stored event under one of the keys has another kind, actor, model or
   * version; nothing of the batch is stored then.
   */
  append(workflowId: string, runId: string, events: readonly AuditEventInput[]): Promise<AuditAppendResult> {
    return this.db.write(async (tx): Promise<AuditAppendResult> => {
      const recordedAt = this.now().toISOString();
      let inserted = 0;
      for (const e of events) {
        const key = auditEventKey(workflowId, runId, e.name ?? e.seq);
        const stored = await tx.get<Pick<AuditRecord, 'kind' | 'actor' | 'model_name' | 'version'>>(
          'SELECT kind, actor, model_name, version FROM audit_events WHERE event_key = ?', [key]);
        if (stored) {
          const { kind, actor, model_name: model } = stored;
          const differences = auditIdentityDifferences({ kind, actor, model, version: stored.version }, e);
          if (differences.length) throw new AuditConflictError(key, differences);
          continue;
        }
        await tx.run(
          `INSERT INTO audit_events
             (event_key, at, recorded_at, kind, actor, model_name, version, workflow_id, run_id, details_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [key, e.at, recordedAt, e.kind, e.actor, e.model, e.version ?? null, workflowId, runId,
            JSON.stringify(e.details)]);
        inserted += 1;
      }
      return { inserted, alreadyStored: events.length - inserted };
    });
  }

  /** Events in the order they were appended, optionally for one model or one workflow (run). */
  async list(filter: AuditFilter = {}): Promise<AuditEvent[]> {
    const columns: [string, string | undefined][] = [
      ['model_name', filter.model],
      ['workflow_id', filter.workflowId],
      ['run_id', filter.runId],
    ];
    const conditions = columns.filter((c): c is [string, string] => Boolean(c[1]));
    const where = conditions.length ? ` WHERE ${conditions.map(([column]) => `${column} = ?`).join(' AND ')}` : '';
    const rows = await this.db.all<AuditRecord>(`SELECT * FROM audit_events${where} ORDER BY id`,
      conditions.map(([, value]) => value));
    return rows.map(toAuditEvent);
  }
}
