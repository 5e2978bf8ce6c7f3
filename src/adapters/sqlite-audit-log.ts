import type Database from 'better-sqlite3';
import {
  auditEventKey,
  auditIdentityDifferences,
  type AuditEvent,
  type AuditEventInput,
  type AuditEventKind,
} from '../domain';

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

/** A stored event contradicts the one being appended under the same key (see `auditIdentityDifferences`). */
export class AuditConflictError extends Error {
  constructor(readonly eventKey: string, readonly differences: string[]) {
    const what = differences.join(', ');
    super(
      `audit event ${eventKey} is already stored as another event (${what}): the run now records something else ` +
        'under that key (workflow code that is not deterministic, or see docs/governance.md "Crashes and retries")',
    );
    this.name = 'AuditConflictError';
  }
}

/** What an append did: rows added, and events of the batch that were stored already (a retry's repeats). */
export interface AuditAppendResult {
  readonly inserted: number;
  readonly alreadyStored: number;
}

/**
 * The audit trail in the registry's database (table `audit_events`, migration 2). This class only inserts
 * and reads; the table's triggers refuse any UPDATE or DELETE, whoever asks.
 */
export class SqliteAuditLog {
  constructor(private readonly db: Database.Database, private readonly now: () => Date = () => new Date()) {}

  /**
   * Appends a workflow run's events, idempotently under any crash and retry: an event whose key is stored
   * already is skipped without touching its row (the first stored copy stands, even if this copy's `at` or
   * details differ), so a batch appended twice leaves one row per event. Key lookup and inserts share one
   * IMMEDIATE transaction, so concurrent appends of one batch cannot both insert.
   * @throws AuditConflictError when a stored event under one of the keys has another kind, actor, model or
   * version; nothing of the batch is stored then.
   */
  append(workflowId: string, runId: string, events: readonly AuditEventInput[]): AuditAppendResult {
    const find = this.db.prepare('SELECT kind, actor, model_name, version FROM audit_events WHERE event_key = ?');
    const insert = this.db.prepare(
      `INSERT INTO audit_events
         (event_key, at, recorded_at, kind, actor, model_name, version, workflow_id, run_id, details_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return this.db.transaction((): AuditAppendResult => {
      const recordedAt = this.now().toISOString();
      let inserted = 0;
      for (const e of events) {
        const key = auditEventKey(workflowId, runId, e.name ?? e.seq);
        const stored = find.get(key) as Pick<AuditRecord, 'kind' | 'actor' | 'model_name' | 'version'> | undefined;
        if (stored) {
          const { kind, actor, model_name: model } = stored;
          const differences = auditIdentityDifferences({ kind, actor, model, version: stored.version }, e);
          if (differences.length) throw new AuditConflictError(key, differences);
          continue;
        }
        const details = JSON.stringify(e.details);
        insert.run(key, e.at, recordedAt, e.kind, e.actor, e.model, e.version ?? null, workflowId, runId, details);
        inserted += 1;
      }
      return { inserted, alreadyStored: events.length - inserted };
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
