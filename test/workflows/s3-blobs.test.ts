import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { ingestLabels } from '../../src/adapters';
import { lifecycleHandle, sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { retrainWorkflowId } from '../../src/domain';
import { labelsCsv, monitorOnce, seattleSpec, serve, uniqueModel, weatherRows } from '../support/monitoring';
import { runCompiled } from '../support/processes';
import { repoRoot, weatherCsv } from '../support/paths';
import { createBucket, listKeys, s3Client, s3Endpoint, s3Env } from '../support/s3';
import { startStack, type TestStack } from '../support/stack';

/**
 * The lifecycle, deployment and monitoring with blobs on a real S3-compatible server (moto): snapshots,
 * artifacts, the prediction log, labels and retrain data are objects in the bucket; payloads and registry rows
 * carry `s3://` URIs, never host paths; the model server loads the artifact from S3.
 */
let stack: TestStack;
let endpoint: string;
let bucket: string;
const prefix = 'team/mlops';

beforeAll(async () => {
  endpoint = s3Endpoint();
  bucket = await createBucket(endpoint, 'lifecycle');
  const client = s3Client(endpoint);
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'datasets/weather.csv', Body: readFileSync(weatherCsv) }));
  client.destroy();
  stack = await startStack('s3-blobs', {
    ...s3Env(endpoint, bucket, prefix),
    MLOPS_DATASET_ROOTS: `${repoRoot},${tmpdir()},s3://${bucket}/datasets`,
  });
  await stack.startWorker();
});
afterAll(async () => stack?.close());

/** Every payload of a run's history, decoded (JSON text). */
async function historyPayloads(workflowId: string): Promise<string> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (node instanceof Uint8Array) return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o['data'] instanceof Uint8Array && 'metadata' in o) texts.push(Buffer.from(o['data']).toString('utf8'));
      Object.values(o).forEach(walk);
    }
  };
  walk(history);
  return texts.join('\n');
}

/** No local path of this machine in a history (not the data dir, not the repo), and the blobs named by s3:// URI. */
function expectNoHostPaths(text: string, blobFolder: 'snapshots' | 'retrain'): void {
  expect(text).not.toContain(stack.config.dataDir);
  expect(text).not.toContain('file://');
  expect(text).not.toContain(repoRoot);
  expect(text).toContain(`s3://${bucket}/${prefix}/${blobFolder}/`);
}

const s3Dataset = (where?: string) => ({ path: `s3://${bucket}/datasets/weather.csv`, format: 'csv' as const, ...(where ? { where } : {}) });

test('lifecycle to deployment: snapshot and artifact in the bucket, s3:// URIs in history and registry, served from S3', async () => {
  const model = uniqueModel('s3-life');
  const spec = seattleSpec(model, undefined, { dataset: s3Dataset("location = 'Seattle'") });
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'test-suite' });
  const waiting = await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  expect(waiting.dataset?.sourcePath).toBe(`s3://${bucket}/datasets/weather.csv`);
  expect(waiting.dataset?.rowCount).toBe(1461); // Seattle's rows
  await sendDecision(stack.client, workflowId, 'approve', { approver: 'test-suite' });
  expect(await handle.result()).toMatchObject({ outcome: 'deployed', version: 1 });

  const row = await stack.registry.getVersion(model, 1);
  expect(row.datasetPath).toMatch(new RegExp(`^s3://${bucket}/${prefix}/snapshots/[0-9a-f]{64}\\.parquet$`));
  expect(row.artifactPath).toBe(`s3://${bucket}/${prefix}/artifacts/${model}/${row.artifactSha256}.json`);
  const keys = await listKeys(endpoint, bucket, prefix);
  expect(keys).toContain(row.datasetPath.slice(`s3://${bucket}/`.length));
  expect(keys).toContain(row.artifactPath.slice(`s3://${bucket}/`.length));
  // Nothing of it stayed in the data dir as a blob: the artifact came to the model server through its own cache.
  expect(existsSync(join(stack.config.dataDir, 'artifacts'))).toBe(false);
  expect(readdirSync(join(stack.config.dataDir, 'blob-cache', 'model-server'))).toContain(`${row.artifactSha256}.json`);
  const served = await serve(stack, model, await weatherRows('Seattle', 20));
  expect(served).toHaveLength(20);
  expect((await listKeys(endpoint, bucket, `${prefix}/predictions/${model}/`)).length).toBeGreaterThan(0);

  expectNoHostPaths(await historyPayloads(workflowId), 'snapshots');
});

test('monitor run: prediction log, labels and retrain data in the bucket; the retrain ingests its s3:// dataset', async () => {
  const model = uniqueModel('s3-mon');
  const retrain = { enabled: true, labelledWindow: '1h' };
  const performance = { metric: 'accuracy' as const, maxDrop: 1, minLabels: 100 };
  const spec = seattleSpec(model, { window: '1h', cooldown: '0s', retrain, performance }, { dataset: s3Dataset("location = 'Seattle'") });
  const run = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'test-suite' });
  await waitForStage(stack.client, run.workflowId, ['awaiting-approval']);
  await sendDecision(stack.client, run.workflowId, 'approve', { approver: 'test-suite' });
  expect(await run.handle.result()).toMatchObject({ outcome: 'deployed' });

  const served = await serve(stack, model, await weatherRows('New York', 200));
  const labels = await ingestLabels(stack.predictions, labelsCsv(served));
  expect(labels.storedAt).toMatch(new RegExp(`^s3://${bucket}/${prefix}/labels/[0-9a-f]{64}\\.parquet$`));

  const report = await monitorOnce(stack, model);
  expect(report.verdict).toBe('drift');
  expect(report.retrain).toMatchObject({ action: 'started', workflowId: retrainWorkflowId(model) });
  const child = await waitForStage(stack.client, retrainWorkflowId(model), ['awaiting-approval']);
  expect(child.dataset?.sourcePath).toMatch(new RegExp(`^s3://${bucket}/${prefix}/retrain/${model}/.+\\.parquet$`));
  expect(child.dataset?.rowCount).toBe((await stack.registry.getVersion(model, 1)).datasetRows + 200);

  const keys = await listKeys(endpoint, bucket, prefix);
  for (const folder of ['predictions', 'labels', 'retrain']) expect(keys.some((k) => k.startsWith(`${prefix}/${folder}/`))).toBe(true);
  expectNoHostPaths(await historyPayloads(report.workflowId), 'retrain');
  expectNoHostPaths(await historyPayloads(retrainWorkflowId(model)), 'snapshots');

  await sendDecision(stack.client, retrainWorkflowId(model), 'reject', { approver: 'test-suite' });
  await lifecycleHandle(stack.client, retrainWorkflowId(model)).result().catch(() => undefined);
});

test('a dataset URI outside the allowed roots is refused as SpecInvalid', async () => {
  const spec = seattleSpec(uniqueModel('s3-out'), undefined, { dataset: { path: `s3://${bucket}/${prefix}/artifacts/x.csv`, format: 'csv' } });
  const { handle } = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'test-suite' });
  const err = await handle.result().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause as { type?: string; message: string; cause?: { type?: string; message: string } };
  const failure = cause.type ? cause : cause.cause;
  expect(failure?.type).toBe('SpecInvalid');
  expect(failure?.message).toMatch(/dataset\.path s3:\/\/.*\/artifacts\/x\.csv is outside the dataset roots/);
});

test('an unreachable S3 endpoint stops the worker and the model server at start, naming the setting', async () => {
  const env = { ...stack.env, MLOPS_S3_ENDPOINT: 'http://127.0.0.1:9', MLOPS_WORKFLOW_BUNDLE: 'none' };
  for (const entry of ['src/workers/main.js', 'src/serving/main.js']) {
    const { code, output } = await runCompiled(entry, [], env);
    expect([entry, code]).toEqual([entry, 1]);
    expect(output).toMatch(/blob store s3:\/\/.* \(MLOPS_BLOB_URL\) at http:\/\/127\.0\.0\.1:9 \(MLOPS_S3_ENDPOINT\) is not usable/);
  }
});
