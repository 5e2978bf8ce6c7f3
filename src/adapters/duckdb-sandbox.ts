import { realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { quoteString } from './duckdb-sql';

/**
 * A DuckDB instance that can touch only the given directories: external access is off except for them
 * (`allowed_directories`), extensions cannot be installed or loaded, and the configuration is locked, so
 * no query — even one we failed to refuse — can read or write elsewhere on the host or change these settings.
 * Spill files go to a hidden `.duckdb-tmp` folder inside the first directory (made by DuckDB when it spills).
 */
export async function openSandboxedDuckDb(directories: readonly string[]): Promise<DuckDBInstance> {
  const first = directories[0];
  if (first === undefined) throw new Error('openSandboxedDuckDb needs at least one directory');
  const spill = join(resolve(first), '.duckdb-tmp');
  const allowed = await Promise.all(
    directories.map(async (d) => `${await realpath(resolve(d)).catch(() => resolve(d))}/`),
  );
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const setup = await instance.connect();
  try {
    await setup.run(`SET allowed_directories = [${allowed.map(quoteString).join(', ')}]`);
    await setup.run(`SET temp_directory = ${quoteString(spill)}`);
    await setup.run('SET autoinstall_known_extensions = false');
    await setup.run('SET autoload_known_extensions = false');
    await setup.run('SET enable_external_access = false');
    await setup.run('SET lock_configuration = true');
  } finally {
    setup.closeSync();
  }
  return instance;
}
