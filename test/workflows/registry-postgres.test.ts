import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { repoRoot } from '../support/paths';
import { runCompiled } from '../support/processes';
import { deploy, monitorOnce, seattleSpec, serve, uniqueModel, weatherRows } from '../support/monitoring';
import { startStack, type TestStack } from '../support/stack';

/**
 * The lifecycle, a deployment and a monitor run with the registry on a real PostgreSQL (MLOPS_REGISTRY_URL):
 * rows land in PostgreSQL, no registry.db appears, the CLI reads through the same port, an unreachable server
 * stops the CLI and the worker naming the setting, and an outage mid-run is waited out. This file runs its own
 * PostgreSQL (stopped and restarted by the outage test) so other test files keep theirs.
 */
const postgresPort = String(Number(process.env['MLOPS_TEST_POSTGRES_PORT'] ?? '54320') + 1);
const postgres = (command: 'start' | 'stop'): string =>
  execFileSync(join(repoRoot, 'scripts/postgres-server.sh'), [command], {
    env: { ...process.env, POSTGRES_PORT: postgresPort, POSTGRES_DATA_DIR: join(tmpdir(), `mlops-test-postgres-${postgresPort}`) },
    stdio: ['ignore', 'pipe', 'inherit'],
  }).toString().trim();

let stack: TestStack;
let url: string;
beforeAll(async () => {
  url = postgres('start');
  stack = await startStack('registry-pg', { MLOPS_REGISTRY_URL: url });
  await stack.startWorker();
});
afterAll(async () => {
  await stack?.close();
  postgres('stop');
});

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

test('lifecycle to approval and deployment, then a monitor run: every row is in PostgreSQL, no registry.db', async () => {
  const model = uniqueModel('pg-life');
  const version = await deploy(stack, seattleSpec(model, { window: '1h', cooldown: '0s' }));
  await serve(stack, model, await weatherRows('Seattle', 200));
  const report = await monitorOnce(stack, model);
  expect(report.verdict).toBe('ok');

  expect(await sql('SELECT version, status FROM model_versions WHERE model_name = $1', [model])).toEqual([{ version, status: 'deployed' }]);
  expect(await sql('SELECT approver, decision FROM decisions WHERE model_name = $1', [model])).toEqual([{ approver: 'test-suite', decision: 'approve' }]);
  expect(await sql("SELECT version FROM aliases WHERE model_name = $1 AND alias = 'production'", [model])).toEqual([{ version }]);
  expect(await sql('SELECT state FROM deployments WHERE model_name = $1', [model])).toEqual([{ state: 'promoted' }]);
  const kinds = (await sql<{ kind: string }>('SELECT kind FROM audit_events WHERE model_name = $1 ORDER BY id', [model])).map((r) => r.kind);
  expect(kinds).toEqual(expect.arrayContaining(['lifecycle.requested', 'decision.accepted', 'alias.moved', 'model.deployed']));
  expect(await sql('SELECT count(*)::int AS n FROM reference_profiles WHERE model_name = $1', [model])).toEqual([{ n: 1 }]);
  expect(await sql('SELECT id, verdict FROM monitor_reports WHERE model_name = $1', [model])).toEqual([{ id: report.reportId, verdict: 'ok' }]);
  expect(existsSync(stack.config.registryPath)).toBe(false);

  // The CLI, as its own process, reads the same rows through the port.
  const listed = await runCompiled('src/cli/main.js', ['models', '--model', model, '--json'], stack.env);
  expect(listed.code).toBe(0);
  expect(JSON.parse(listed.output)).toMatchObject({ versions: [{ modelName: model, version, status: 'deployed' }] });
  expect(existsSync(stack.config.registryPath)).toBe(false);
});

test('an unreachable PostgreSQL at start: the CLI and the worker exit non-zero naming MLOPS_REGISTRY_URL, password hidden', async () => {
  const env = { ...stack.env, MLOPS_REGISTRY_URL: 'postgres://mlops:s3cret-pw@127.0.0.1:1/mlops' };
  for (const entry of ['src/cli/main.js', 'src/workers/main.js']) {
    const { code, output } = await runCompiled(entry, entry.includes('cli') ? ['models'] : [], env);
    expect(code).not.toBe(0);
    expect(output).toContain('MLOPS_REGISTRY_URL=postgres://mlops:***@127.0.0.1:1/mlops');
    expect(output).not.toContain('s3cret-pw');
  }
});

test('PostgreSQL down mid-run: the registry step fails retryably, the run waits and completes once it is back', async () => {
  const model = uniqueModel('pg-outage');
  const run = await startLifecycle(stack.client, stack.config, { spec: seattleSpec(model, { window: '1h', cooldown: '0s' }), requestedBy: 'test-suite' });
  await waitForStage(stack.client, run.workflowId, ['awaiting-approval']);
  postgres('stop');
  await sendDecision(stack.client, run.workflowId, 'approve', { approver: 'test-suite' });
  for (;;) { // until a registry activity has failed on the outage and is being retried
    const pending = (await run.handle.describe()).raw.pendingActivities ?? [];
    if (pending.some((a) => (a.attempt ?? 1) > 1)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  postgres('start');
  expect(await run.handle.result()).toMatchObject({ outcome: 'deployed', version: 1 });
  expect(await sql('SELECT status FROM model_versions WHERE model_name = $1', [model])).toEqual([{ status: 'deployed' }]);
});
