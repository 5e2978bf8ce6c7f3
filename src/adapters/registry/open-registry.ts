import { hidePassword, type AppConfig, type Registry } from '../../domain';
import { PostgresDatabase } from './postgres-database';
import { SqliteDatabase } from './sqlite-database';
import { SqlRegistry } from './sql-registry';

/** The registry in one SQLite file: the embedded default. The raw connection is there for this adapter's tests. */
export class SqliteRegistry extends SqlRegistry {
  readonly sqlite: SqliteDatabase;

  constructor(path: string, now?: () => Date) {
    const db = new SqliteDatabase(path);
    super(db, now);
    this.sqlite = db;
  }
}

/** PostgreSQL named by `MLOPS_REGISTRY_URL` could not be reached (or migrated) when a process started. */
export class RegistryUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const where = `MLOPS_REGISTRY_URL=${hidePassword(url)}`;
    super(`the registry database at ${where} cannot be used: ${why || 'connection refused'}`);
    this.name = 'RegistryUnavailableError';
  }
}

/**
 * Opens the registry the config names: PostgreSQL when `MLOPS_REGISTRY_URL` is set, else SQLite in the data
 * dir. Applies pending migrations either way.
 * @throws RegistryUnavailableError when PostgreSQL cannot be reached at start.
 */
export async function openRegistry(
  config: Pick<AppConfig, 'registryPath' | 'registryUrl'>,
  onIdleError: (err: Error) => void = () => undefined,
): Promise<Registry> {
  if (!config.registryUrl) return new SqliteRegistry(config.registryPath);
  const url = config.registryUrl;
  const db = await PostgresDatabase.open(url, onIdleError).catch((err: unknown) => {
    throw new RegistryUnavailableError(url, err);
  });
  return new SqlRegistry(db);
}
