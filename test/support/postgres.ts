import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The tests' PostgreSQL (started by test/support/global-setup.ts through scripts/postgres-server.sh): its URL,
 * and a fresh empty database per test or stack, so tests never see each other's rows.
 */
export function testPostgresUrl(): string {
  const url = process.env['MLOPS_TEST_POSTGRES_URL'];
  if (!url) throw new Error('no test PostgreSQL: global setup could not start scripts/postgres-server.sh (see its output)');
  return url;
}

export async function freshPostgresDatabase(name: string): Promise<string> {
  const admin = testPostgresUrl();
  // Random part first: PostgreSQL cuts names at 63 bytes, and the server's data outlives a test run.
  const database = `t_${randomBytes(6).toString('hex')}_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`.slice(0, 63);
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
  return admin.replace(/\/[^/]*$/, `/${database}`);
}
