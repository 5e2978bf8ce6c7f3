import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The Temporal server is stopped by scripts/test.sh (or left for reuse by the next `npx jest`); the tests'
 * PostgreSQL is stopped here (its data dir stays in the temp dir; every test makes its own database).
 */
export default async function globalTeardown(): Promise<void> {
  const port = process.env['MLOPS_TEST_POSTGRES_PORT'];
  if (!port) return;
  execFileSync(resolve(__dirname, '../../scripts/postgres-server.sh'), ['stop'], {
    env: { ...process.env, POSTGRES_PORT: port, POSTGRES_DATA_DIR: join(tmpdir(), `mlops-test-postgres-${port}`) },
    stdio: 'inherit',
  });
}
