import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Makes sure a Temporal dev server answers for the tests: `npm test` starts one (in memory, port 7288);
 * a bare `npx jest` starts it here through the same idempotent script. Unit-only runs may skip it.
 * Also starts the tests' PostgreSQL (registry contract and PostgreSQL workflow tests) on the Temporal port
 * + 10000, data in a temp dir; `MLOPS_TEST_POSTGRES=off` skips it (those tests then fail, saying why).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env['MLOPS_SKIP_TEMPORAL'] === '1') return;
  const port = (process.env['MLOPS_TEST_TEMPORAL_ADDRESS'] ?? '127.0.0.1:7288').split(':')[1] ?? '7288';
  process.env['MLOPS_TEST_TEMPORAL_ADDRESS'] = `127.0.0.1:${port}`;
  execFileSync(resolve(__dirname, '../../scripts/temporal-server.sh'), ['start'], {
    stdio: 'inherit',
    env: { ...process.env, TEMPORAL_PORT: port, TEMPORAL_DB_FILE: 'memory', TEMPORAL_HEADLESS: '1' },
  });
  if (process.env['MLOPS_TEST_POSTGRES'] !== 'off') startPostgres(Number(port) + 10_000);
}

function startPostgres(port: number): void {
  const env = { ...process.env, POSTGRES_PORT: String(port), POSTGRES_DATA_DIR: join(tmpdir(), `mlops-test-postgres-${port}`) };
  try {
    const url = execFileSync(resolve(__dirname, '../../scripts/postgres-server.sh'), ['start'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    }).toString().trim();
    process.env['MLOPS_TEST_POSTGRES_URL'] = url;
    process.env['MLOPS_TEST_POSTGRES_PORT'] = String(port);
  } catch (err) {
    process.stderr.write(`[global-setup] PostgreSQL did not start (${(err as Error).message}); its tests will fail\n`);
  }
}
