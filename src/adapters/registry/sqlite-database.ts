import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { renderMigrations } from './migrations';
import type { SqlDatabase, SqlSession, SqlValue } from './sql-database';

/** better-sqlite3 is synchronous: a session just runs statements on the connection. */
function sessionOf(db: Database.Database): SqlSession {
  return {
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => db.prepare(sql).all(...params) as T[],
    get: async <T>(sql: string, params: readonly SqlValue[] = []) => db.prepare(sql).get(...params) as T | undefined,
    run: async (sql: string, params: readonly SqlValue[] = []) => db.prepare(sql).run(...params).changes,
  };
}

/**
 * The registry database in one SQLite file (WAL). The connection is shared by every caller of the process, so
 * statements queue behind an open transaction instead of running inside it (a transaction's awaits yield).
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  /** The raw connection: for this adapter and its own tests only (to prove the triggers hold). */
  readonly handle: Database.Database;
  private readonly direct: SqlSession;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.handle = new Database(path);
    this.handle.pragma('journal_mode = WAL');
    this.handle.pragma('busy_timeout = 5000');
    this.handle.pragma('foreign_keys = ON');
    this.direct = sessionOf(this.handle);
    this.migrate();
  }

  /** PRAGMA user_version counts the applied migrations (numbering kept from the first releases). */
  private migrate(): void {
    const applied = this.handle.pragma('user_version', { simple: true }) as number;
    renderMigrations('sqlite').slice(applied).forEach((sql, i) => {
      this.handle.transaction(() => {
        this.handle.exec(sql);
        this.handle.pragma(`user_version = ${applied + i + 1}`);
      })();
    });
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.serialized(() => this.direct.all<T>(sql, params));
  }

  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.serialized(() => this.direct.get<T>(sql, params));
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.serialized(() => this.direct.run(sql, params));
  }

  write<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.serialized(async () => {
      this.handle.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.direct);
        this.handle.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.handle.inTransaction) this.handle.exec('ROLLBACK');
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.queue;
    this.handle.close();
  }
}
