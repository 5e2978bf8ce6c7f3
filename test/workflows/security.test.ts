import { copyFileSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { openSandboxedDuckDb } from '../../src/adapters/duckdb-sandbox';
import { startLifecycle, waitForStage, sendDecision } from '../../src/client';
import { LIFECYCLE_WORKFLOW_TYPE, type ModelSpec } from '../../src/domain';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { runCompiled } from '../support/processes';
import { repoRoot, tempDir, weatherCsv } from '../support/paths';

/**
 * Issue 14's corpus: injection and path-traversal attempts sent as any Temporal client would send them. Each
 * must fail the run with a non-retryable SpecInvalid naming the offending part, create no file, ingest
 * nothing and register nothing.
 */
const allowedRoot = tempDir('sec-root');
const outside = tempDir('sec-outside');
const secret = join(outside, 'secret.csv');
const canary = (name: string) => join(outside, `${name}.csv`);
let stack: TestStack;

beforeAll(async () => {
  writeFileSync(secret, 'location,precipitation,temp_max,temp_min,wind,weather\nSECRET,1,1,1,1,sun\n');
  copyFileSync(weatherCsv, join(allowedRoot, 'weather.csv'));
  symlinkSync(secret, join(allowedRoot, 'link-out.csv'));
  mkdirSync(join(allowedRoot, '.hidden'));
  copyFileSync(weatherCsv, join(allowedRoot, '.hidden', 'weather.csv'));
  stack = await startStack('security', { MLOPS_DATASET_ROOTS: allowedRoot });
  await stack.startWorker();
});
afterAll(async () => stack?.close());

/** The ApplicationFailure at the bottom of a failure chain (workflow → activity → application). */
function applicationFailureOf(err: unknown): ApplicationFailure {
  let e = err as { cause?: unknown } | undefined;
  while (e?.cause) e = e.cause as { cause?: unknown };
  return e as ApplicationFailure;
}

const inRoot = join(allowedRoot, 'weather.csv');
type Case = [name: string, dataset: ModelSpec['dataset'], refusal: RegExp];
const cases: Case[] = [
  ['copy-to breakout', { path: inRoot, where: `1=1) TO '${canary('copy-to')}' (header` }, /dataset\.where: not an allowed filter: SQL keyword TO/],
  ['breakout with comment', { path: inRoot, where: `location = 'Seattle') TO '${canary('comment')}' (FORMAT csv) --` }, /not an allowed filter/],
  ['statement separator', { path: inRoot, where: `1=1; COPY (SELECT 1) TO '${canary('separator')}'` }, /statement separator/],
  ['read_csv subquery', { path: inRoot, where: `location IN (SELECT location FROM read_csv('${secret}'))` }, /SQL keyword SELECT/],
  ['read_parquet exists', { path: inRoot, where: `EXISTS (SELECT * FROM read_parquet('${secret}'))` }, /SQL keyword EXISTS/],
  ['glob scalar', { path: inRoot, where: `location = glob('/etc/*')` }, /function "glob" is not allowed/],
  ['union', { path: inRoot, where: `1=1 UNION SELECT * FROM read_csv('${secret}')` }, /SQL keyword UNION/],
  ['attach', { path: inRoot, where: `1=1; ATTACH '${canary('attach')}' AS x` }, /statement separator/],
  ['install/load', { path: inRoot, where: `location = 'x' OR INSTALL httpfs` }, /SQL keyword INSTALL/],
  ['line comment', { path: inRoot, where: `1=1 -- and the rest` }, /comment/],
  ['read_text function', { path: inRoot, where: `read_text('${secret}') IS NOT NULL` }, /function "read_text" is not allowed/],
  ['getenv function', { path: inRoot, where: `getenv('HOME') = 'x'` }, /function "getenv" is not allowed/],
  ['unknown column', { path: inRoot, where: `location = 'Seattle' OR nosuchcolumn = 1` }, /names "nosuchcolumn", not a column of/],
  ['absolute system path', { path: '/etc/passwd', format: 'csv' }, /dataset\.path \/etc\/passwd is outside the dataset roots/],
  ['dot-dot traversal', { path: `${allowedRoot}/../${relative(join(allowedRoot, '..'), secret)}` }, /is outside the dataset roots/],
  ['relative traversal', { path: relative(repoRoot, secret) }, /is outside the dataset roots/],
  ['symlink out of the root', { path: join(allowedRoot, 'link-out.csv') }, /resolves \(through a symlink\) to .*secret\.csv, outside the dataset roots/],
  ['hidden folder', { path: join(allowedRoot, '.hidden', 'weather.csv') }, /in a hidden folder/],
  ['registry database', { path: '<data dir>/registry.db' }, /is outside the dataset roots/],
];

test(`${cases.length} injection and traversal attempts are refused as SpecInvalid; nothing is created, ingested or registered`, async () => {
  const runs = await Promise.all(
    cases.map(async ([name, dataset], i) => {
      const path = dataset.path.replace('<data dir>', stack.config.dataDir);
      const spec = weatherSpec({ name: `attack-${i + 1}`, dataset: { ...dataset, path } }) as ModelSpec;
      // Started as any Temporal client would, without startLifecycle's own check (which refuses the same
      // filters before anything starts): the workflow itself must refuse them.
      const handle = await stack.client.workflow.start(LIFECYCLE_WORKFLOW_TYPE, {
        taskQueue: stack.config.temporal.taskQueue,
        workflowId: `attack-${i + 1}-${Date.now()}`,
        args: [{ spec, requestedBy: 'attacker' }],
      });
      return handle.result().then(
        () => new Error(`${name}: the run completed`),
        (err: unknown) => err,
      );
    }),
  );
  runs.forEach((err, i) => {
    const [name, , refusal] = cases[i] as Case;
    expect([name, err]).toEqual([name, expect.any(WorkflowFailedError)]);
    const cause = applicationFailureOf(err);
    expect([name, cause.type, cause.nonRetryable]).toEqual([name, 'SpecInvalid', true]);
    expect([name, cause.message]).toEqual([name, expect.stringMatching(refusal)]);
  });
  expect(readdirSync(outside).sort()).toEqual(['secret.csv']);
  expect(readdirSync(stack.config.snapshotDir).filter((f) => f.endsWith('.parquet'))).toEqual([]);
  for (let i = 1; i <= cases.length; i++) expect(await stack.registry.listVersions(`attack-${i}`)).toEqual([]);
});

test('an allowed filter selects the rows it says', async () => {
  const spec = weatherSpec({ name: 'filtered', dataset: { path: inRoot, format: 'csv', where: "location = 'Seattle' AND year(date) >= 2014" } }) as ModelSpec;
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'analyst' });
  const status = await waitForStage(stack.client, workflowId, ['awaiting-approval', 'failed', 'not-blessed']);
  expect(status.dataset?.rowCount).toBe(730); // Seattle, 2014 and 2015: one row a day
  await sendDecision(stack.client, workflowId, 'reject', { approver: 'analyst' });
  expect(await handle.result()).toMatchObject({ outcome: 'rejected' });
});

test('mlops run refuses a bad filter or a path outside the roots before anything starts', async () => {
  const dir = tempDir('sec-cli');
  const write = (name: string, dataset: ModelSpec['dataset']) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(weatherSpec({ name: 'cli-attack', dataset })));
    return path;
  };
  const env = { ...stack.env, MLOPS_DATASET_ROOTS: allowedRoot };
  const filter = await runCompiled('src/cli/main.js', ['run', write('f.json', { path: inRoot, where: `1=1) TO '${canary('cli')}' (header` })], env);
  expect(filter.code).toBe(2);
  expect(filter.output).toMatch(/dataset\.where: not an allowed filter: SQL keyword TO/);
  const path = await runCompiled('src/cli/main.js', ['run', write('p.json', { path: '/etc/passwd' })], env);
  expect(path.code).toBe(2);
  expect(path.output).toMatch(/dataset\.path \/etc\/passwd is outside the dataset roots/);
  expect(existsSync(canary('cli'))).toBe(false);
  const listed = stack.client.workflow.list({ query: `MlopsModel = 'cli-attack'` });
  const found: string[] = [];
  for await (const w of listed) found.push(w.workflowId);
  expect(found).toEqual([]);
});

test('defence in depth: even raw SQL on the sandboxed DuckDB cannot read or write outside its folders', async () => {
  const allowed = tempDir('sec-sandbox');
  const db = await openSandboxedDuckDb([allowed]);
  const c = await db.connect();
  try {
    await expect(c.run(`SELECT * FROM read_csv('${secret}')`)).rejects.toThrow(/Permission Error/);
    await expect(c.run(`COPY (SELECT 1) TO '${canary('raw')}'`)).rejects.toThrow(/Permission Error/);
    await expect(c.run(`SELECT * FROM read_csv('${allowed}/../${relative(join(allowed, '..'), secret)}')`)).rejects.toThrow(/Permission Error/);
    await expect(c.run(`ATTACH '${canary('attach-raw')}' AS x`)).rejects.toThrow(/Permission Error/);
    await expect(c.run('SET enable_external_access = true')).rejects.toThrow(/locked/);
    await expect(c.run('LOAD httpfs')).rejects.toThrow();
    await c.run(`COPY (SELECT 42 AS answer) TO '${join(allowed, 'ok.parquet')}' (FORMAT parquet)`);
    expect(existsSync(join(allowed, 'ok.parquet'))).toBe(true);
  } finally {
    c.closeSync();
    db.closeSync();
  }
  expect(readdirSync(outside).sort()).toEqual(['secret.csv']);
});
