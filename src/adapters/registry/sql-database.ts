/** One parameter of a statement: `?` placeholders in the SQL, values in order. */
export type SqlValue = string | number | null;

/** Statements over one connection (or inside one transaction). SQL uses `?` placeholders in both dialects. */
export interface SqlSession {
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

/**
 * The registry's database, SQLite or PostgreSQL, behind one small interface so that every store is written
 * once: the same statements, the same transactions, hence the same idempotency and conflict semantics.
 */
export interface SqlDatabase extends SqlSession {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `fn` in one writing transaction, serialized with every other writer of the database (SQLite:
   * BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock) — so read-then-write sequences such as
   * "next version number" or "is the queue empty" cannot interleave. Rolled back when `fn` throws.
   */
  write<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
