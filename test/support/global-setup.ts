import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Makes sure a Temporal dev server answers for the tests: `npm test` starts one (in memory, port 7288);
 * a bare `npx jest` starts it here through the same idempotent script. Unit-only runs may skip it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env['MLOPS_SKIP_TEMPORAL'] === '1') return;
  const port = (process.env['MLOPS_TEST_TEMPORAL_ADDRESS'] ?? '127.0.0.1:7288').split(':')[1] ?? '7288';
  process.env['MLOPS_TEST_TEMPORAL_ADDRESS'] = `127.0.0.1:${port}`;
  execFileSync(resolve(__dirname, '../../scripts/temporal-server.sh'), ['start'], {
    stdio: 'inherit',
    env: { ...process.env, TEMPORAL_PORT: port, TEMPORAL_DB_FILE: 'memory', TEMPORAL_HEADLESS: '1' },
  });
}
