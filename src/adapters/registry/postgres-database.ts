import pg from 'pg';
import { renderMigrations } from './migrations';
import type { SqlDatabase, SqlSession, SqlValue } from './sql-database';

/** Every writing transaction takes this transaction-scoped advisory lock: writers run one at a time, as in SQLite. */
const WRITE_LOCK = 0x6d6c6f70; // "mlop"
const MIGRATION_LOCK = WRITE_LOCK + 1;

/** `?` placeholders (outside quoted text) become PostgreSQL's `$1, $2, …`. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/'(?:[^']|'')*'|"[^"]*"|\?/g, (m) => (m === '?' ? `$${++n}` : m));
}

function sessionOf(q: pg.Pool | pg.PoolClient): SqlSession {
  const query = (sql: string, params: readonly SqlValue[] = []) => q.query(numberPlaceholders(sql), [...params]);
  return {
    all: async <T>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows as T[],
    get: async <T>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rowCount ?? 0,
  };
}

/**
 * The registry database on a PostgreSQL server, through a `pg` pool. Errors of the server or the network
 * propagate as they are: an activity that meets an outage fails retryably and runs again when it is over.
 */
export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  private readonly direct: SqlSession;

  private constructor(readonly pool: pg.Pool) {
    this.direct = sessionOf(pool);
  }

  /**
   * Connects and applies the migrations not applied yet (one transaction, under a lock, so processes starting
   * together do not race). @throws the connection error when the server cannot be reached.
   */
  static async open(url: string, onIdleError: (err: Error) => void): Promise<PostgresDatabase> {
    const pool = new pg.Pool({ connectionString: url, max: 5, connectionTimeoutMillis: 5000 });
    pool.on('error', onIdleError); // an idle client losing its connection must not crash the process
    const db = new PostgresDatabase(pool);
    try {
      await db.migrate();
    } catch (err) {
      await pool.end();
      throw err;
    }
    return db;
  }

  private async migrate(): Promise<void> {
    await this.transaction(MIGRATION_LOCK, async (tx) => {
      await tx.run('CREATE TABLE IF NOT EXISTS registry_migrations ' +
        '(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      const applied = (await tx.get<{ n: number | null }>('SELECT max(version) AS n FROM registry_migrations'))?.n ?? 0;
      const pending = renderMigrations('postgres').slice(applied);
      for (const [i, sql] of pending.entries()) {
        await tx.run(sql);
        await tx.run('INSERT INTO registry_migrations (version, applied_at) VALUES (?, ?)',
          [applied + i + 1, new Date().toISOString()]);
      }
    });
  }

  private async transaction<T>(lock: number, fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [lock]);
      const result = await fn(sessionOf(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      // The connection may be the thing that failed: then it is discarded rather than returned to the pool.
      await client.query('ROLLBACK').catch((rollbackErr: unknown) => (broken = rollbackErr as Error));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.direct.all<T>(sql, params);
  }

  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.direct.get<T>(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.direct.run(sql, params);
  }

  write<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    return this.transaction(WRITE_LOCK, fn);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
