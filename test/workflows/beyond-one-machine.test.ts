import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { lifecycleHandle, sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { pollUntil } from '../../src/client/poll';
import { payloadCodecFor } from '../../src/adapters';
import { retrainWorkflowId, type ml, type MonitorResult } from '../../src/domain';
import { labelsCsv, seattleSpec, serve, uniqueModel, weatherRows } from '../support/monitoring';
import { newPayloadKey } from '../support/payload-keys';
import { runCompiled, spawnCompiled, waitForOutput } from '../support/processes';
import { freshPostgresDatabase } from '../support/postgres';
import { repoRoot, tempDir, weatherCsv } from '../support/paths';
import { createBucket, listKeys, s3Client, s3Endpoint, s3Env } from '../support/s3';
import { startStack, type TestStack } from '../support/stack';
import { startTraffic } from '../support/traffic';

/**
 * The "done when": the same lifecycle as the quick start with everything beyond one machine switched on
 * at once — registry on PostgreSQL (a fresh database), blobs on S3 (moto, own bucket), encrypted payloads, and
 * workers of two roles on two queues (control; training). Lifecycle → approval with a comment → a canary under
 * live traffic → a monitor run with labels. The README's "Running beyond one machine" shows this configuration.
 */
const prefix = 'beyond';
const approver = 'approver-quinn-8812';
const comment = 'comment-marker-canary-looks-right';
const requestedBy = 'requester-marker-ravi';

let stack: TestStack;
let endpoint: string;
let bucket: string;
let registryUrl: string;
let rawClient: Client;
let workers: ReturnType<typeof spawnCompiled>[] = [];
/** Each process gets its own data dir, as on its own host: nothing may pass between them through local files. */
const hosts = { control: tempDir('beyond-control'), training: tempDir('beyond-training'), cli: tempDir('beyond-cli') };

beforeAll(async () => {
  endpoint = s3Endpoint();
  bucket = await createBucket(endpoint, 'beyond');
  const s3 = s3Client(endpoint);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'datasets/weather.csv', Body: readFileSync(weatherCsv) }));
  s3.destroy();
  registryUrl = await freshPostgresDatabase('beyond');
  // The model server runs in this process (the stack's), with the stack's data dir.
  stack = await startStack('beyond', {
    MLOPS_REGISTRY_URL: registryUrl,
    ...s3Env(endpoint, bucket, prefix),
    MLOPS_PAYLOAD_KEYS: newPayloadKey('beyond-key'),
    MLOPS_DATASET_ROOTS: `s3://${bucket}/datasets`,
  });
  // Two worker processes, as on two hosts: one polls the control queue, the other the training queue.
  workers = (['control', 'training'] as const).map((role) =>
    spawnCompiled('src/workers/main.js', [], { ...stack.env, MLOPS_WORKER_ROLE: role, MLOPS_DATA_DIR: hosts[role] }));
  await Promise.all(workers.map((w) => waitForOutput(w, 'worker started')));
  // What the Temporal server stores: a client without the codec.
  rawClient = new Client({ connection: stack.client.connection, namespace: stack.config.temporal.namespace });
});
afterAll(async () => {
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  await stack?.close();
});

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new PgClient({ connectionString: registryUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function rawHistory(workflowId: string): Promise<temporal.api.history.v1.IHistory> {
  return rawClient.workflow.getHandle(workflowId).fetchHistory();
}
const historyBytes = (history: temporal.api.history.v1.IHistory): Buffer =>
  Buffer.from(temporal.api.history.v1.History.encode(temporal.api.history.v1.History.create(history)).finish());

/** Every payload of a history, decrypted with the stack's keys, as text. */
async function decodedPayloads(history: temporal.api.history.v1.IHistory): Promise<string> {
  const payloads: temporal.api.common.v1.IPayload[] = [];
  const walk = (node: unknown): void => {
    if (node instanceof Uint8Array) return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o['data'] instanceof Uint8Array && 'metadata' in o) payloads.push(o as temporal.api.common.v1.IPayload);
      else Object.values(o).forEach(walk);
    }
  };
  walk(history);
  const decoded = await payloadCodecFor(stack.config)!.decode(payloads);
  return decoded.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
}

/** Activity type → the task queues it was scheduled on. */
const queuesByActivity = (history: temporal.api.history.v1.IHistory): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const e of history.events ?? []) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.activityType?.name) (out[a.activityType.name] ??= []).push(a.taskQueue?.name ?? '');
  }
  return out;
};

const quickGuards = { minRequests: 20, maxExtensions: 10, maxP99LatencyIncreaseMs: 250, maxPredictionShift: 0.3 };
const spec = (model: string) =>
  seattleSpec(
    model,
    { window: '1h', cooldown: '0s', performance: { metric: 'accuracy', maxDrop: 1, minLabels: 50 } },
    {
      dataset: { path: `s3://${bucket}/datasets/weather.csv`, format: 'csv', where: "location = 'Seattle'" },
      deployment: { strategy: 'canary', canary: { steps: [10, 100], bake: '2s' }, guards: quickGuards },
    },
  );

/** The CLI as its own process, on the stack's settings (registry, blobs, keys); its JSON output parsed. */
async function mlops<T>(...args: string[]): Promise<T> {
  // (The AWS SDK's advice to move to Node 22 goes to stderr, which runCompiled mixes into the output.)
  const env = { ...stack.env, MLOPS_DATA_DIR: hosts.cli, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const { code, output } = await runCompiled('src/cli/main.js', [...args, '--json'], env);
  expect({ args, code, output }).toMatchObject({ args, code: 0 });
  return JSON.parse(output) as T;
}

/** The true labels of served predictions as a CSV object in the bucket (the operator's file); its s3:// URI. */
async function labelsInBucket(model: string, served: Parameters<typeof labelsCsv>[0]): Promise<string> {
  const key = `datasets/labels-${model}.csv`;
  const s3 = s3Client(endpoint);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(labelsCsv(served)) }));
  s3.destroy();
  return `s3://${bucket}/${key}`;
}

/** A release approved with a comment: the first through the client API, the second through the CLI. */
async function approvedRelease(model: string, through: 'api' | 'cli') {
  const run = await startLifecycle(stack.client, stack.config, { spec: spec(model), requestedBy });
  await waitForStage(stack.client, run.workflowId, ['awaiting-approval']);
  if (through === 'api') await sendDecision(stack.client, run.workflowId, 'approve', { approver, comment });
  else await mlops('approve', run.workflowId, '--as', approver, '--comment', comment);
  return run;
}

test('lifecycle → approval → canary under traffic → labelled monitor run, all beyond one machine', async () => {
  const model = uniqueModel('beyond');
  const first = await approvedRelease(model, 'api');
  expect(await first.handle.result())
    .toMatchObject({ outcome: 'deployed', version: 1, deployment: { strategy: 'direct' } });

  // The second release goes through the canary while live traffic reaches the model server.
  const trafficRows: ml.Row[] = (await weatherRows('Seattle', 200)).map(({ precipitation, temp_max, temp_min, wind }) =>
    ({ precipitation, temp_max, temp_min, wind }));
  const traffic = startTraffic(stack.serverUrl, model, trafficRows);
  const second = await approvedRelease(model, 'cli');
  const result = await second.handle.result();
  const sent = await traffic.stop();
  expect(result).toMatchObject({ outcome: 'deployed', version: 2, decision: { approver, comment } });
  expect(result.deployment).toMatchObject({ outcome: 'promoted', strategy: 'canary', fromVersion: 1, toVersion: 2 });
  expect(sent.statuses).toEqual({ 200: sent.sent });
  expect(sent.versions[2]).toBeGreaterThan(0);

  // A monitor run over labelled predictions, driven through the CLI (labels, schedule, run now).
  const served = await serve(stack, model, await weatherRows('Seattle', 120, 200));
  const labels = await mlops<{ storedAt: string; stored: number }>('labels', await labelsInBucket(model, served));
  expect(labels.stored).toBe(120);
  expect(labels.storedAt).toMatch(new RegExp(`^s3://${bucket}/${prefix}/labels/`));
  await mlops('monitor', 'start', model, '--every', '1h', '--paused');
  const monitored = await mlops<{ workflowId: string; result: MonitorResult }>('monitor', 'run', model, '--wait');
  await mlops('monitor', 'stop', model);
  const report = { ...monitored.result, workflowId: monitored.workflowId };
  expect(report.verdict).toBe('ok');
  const stored = await stack.monitoring.getReport(report.reportId);
  expect(stored?.report.performance).toMatchObject({ judged: true, metric: 'accuracy' });

  // Registry rows are in PostgreSQL, with s3:// URIs; no registry.db in any process's data dir.
  const dataDirs = [stack.config.dataDir, ...Object.values(hosts)];
  for (const dir of dataDirs) expect(existsSync(join(dir, 'registry.db'))).toBe(false);
  const versions = await sql<{ version: number; status: string; dataset_path: string; artifact_path: string }>(
    'SELECT version, status, dataset_path, artifact_path FROM model_versions WHERE model_name = $1 ORDER BY version',
    [model],
  );
  expect(versions.map((v) => v.version)).toEqual([1, 2]);
  for (const v of versions) {
    expect(v.dataset_path).toMatch(new RegExp(`^s3://${bucket}/${prefix}/snapshots/[0-9a-f]{64}\\.parquet$`));
    expect(v.artifact_path).toMatch(new RegExp(`^s3://${bucket}/${prefix}/artifacts/${model}/[0-9a-f]{64}\\.json$`));
  }
  expect(await sql('SELECT approver, comment FROM decisions WHERE model_name = $1 ORDER BY version', [model]))
    .toEqual([{ approver, comment }, { approver, comment }]);
  const deployments = 'SELECT to_version, strategy, state FROM deployments WHERE model_name = $1 ORDER BY to_version';
  expect(await sql(deployments, [model]))
    .toEqual([
      { to_version: 1, strategy: 'direct', state: 'promoted' },
      { to_version: 2, strategy: 'canary', state: 'promoted' },
    ]);
  expect(await sql('SELECT id, verdict FROM monitor_reports WHERE model_name = $1', [model]))
    .toEqual([{ id: report.reportId, verdict: 'ok' }]);

  // Snapshot, artifacts, prediction log and labels are objects in the bucket.
  const keys = await listKeys(endpoint, bucket, prefix);
  for (const v of versions) {
    expect(keys).toContain(v.dataset_path.slice(`s3://${bucket}/`.length));
    expect(keys).toContain(v.artifact_path.slice(`s3://${bucket}/`.length));
  }
  expect(keys.some((k) => k.startsWith(`${prefix}/predictions/${model}/`))).toBe(true);
  expect(keys.some((k) => k.startsWith(`${prefix}/labels/`))).toBe(true);

  // Raw histories (no codec): encrypted, nothing of the comment, approver or requester in clear, no host paths.
  const deploymentIds = (await rawHistory(second.workflowId)).events
    ?.map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId)
    .filter((id): id is string => Boolean(id)) ?? [];
  expect(deploymentIds.length).toBeGreaterThan(0);
  for (const id of [first.workflowId, second.workflowId, ...deploymentIds, report.workflowId]) {
    const bytes = historyBytes(await rawHistory(id));
    expect(bytes.includes('binary/encrypted')).toBe(true);
    const found = [approver, comment, requestedBy].filter((text) => bytes.includes(text));
    expect({ workflow: id, plaintext: found }).toEqual({ workflow: id, plaintext: [] });
    // Decrypted, the payloads name blobs by s3:// URI only: no path of any process's host.
    const text = await decodedPayloads(await rawHistory(id));
    const hostPaths = ['file://', repoRoot, ...dataDirs].filter((path) => text.includes(path));
    expect({ workflow: id, hostPaths }).toEqual({ workflow: id, hostPaths: [] });
    const lifecycle = id === first.workflowId || id === second.workflowId;
    if (lifecycle) expect(text).toContain(`s3://${bucket}/${prefix}/snapshots/`);
  }

  // Training and evaluation ran on the training queue; everything else on the control queue.
  const control = stack.config.temporal.taskQueue;
  const training = stack.config.temporal.builtinTrainingTaskQueue;
  for (const run of [first, second]) {
    const queues = queuesByActivity(await rawHistory(run.workflowId));
    expect(queues['trainCandidate']).toEqual([training]);
    expect(queues['evaluateCandidate']).toEqual([training]);
    for (const [name, list] of Object.entries(queues)) {
      if (name === 'trainCandidate' || name === 'evaluateCandidate') continue;
      expect([name, list]).toEqual([name, list.map(() => control)]);
    }
  }
});

/** The decrypted heartbeat of a run's pending training activity (heartbeat details are encrypted too). */
async function trainingHeartbeat(workflowId: string): Promise<{ epoch?: number; checkpointPath?: string } | undefined> {
  const pending = (await stack.client.workflow.getHandle(workflowId).describe()).raw.pendingActivities ?? [];
  const payload = pending.find((a) => a.activityType?.name === 'trainCandidate')?.heartbeatDetails?.payloads?.[0];
  if (!payload) return undefined;
  const [plain] = await payloadCodecFor(stack.config)!.decode([payload]);
  return JSON.parse(Buffer.from(plain?.data ?? []).toString()) as { epoch?: number; checkpointPath?: string };
}

test('training host killed mid-training: a worker on another host resumes from the S3 checkpoint', async () => {
  const model = uniqueModel('beyond-crash');
  // Adam for a fixed, long run (tens of seconds) so the kill lands mid-training.
  const training = { solver: 'adam' as const, epochs: 30_000, learningRate: 0.5, l2: 0.001, seed: 7 };
  const crashSpec = { ...spec(model), training: { ...spec(model).training, ...training } };
  const run = await startLifecycle(stack.client, stack.config, { spec: crashSpec, requestedBy });
  const beat = await pollUntil(() => trainingHeartbeat(run.workflowId), (b) => Boolean(b?.checkpointPath), {
    timeoutMs: 120_000,
    intervalMs: 100,
    timeoutMessage: (b) => `no checkpoint heartbeated by ${run.workflowId} (last: ${JSON.stringify(b)})`,
  });
  expect(beat?.checkpointPath).toMatch(new RegExp(`^s3://${bucket}/${prefix}/artifacts/${model}/checkpoints/`));
  expect(beat?.epoch).toBeLessThan(training.epochs);
  const trainer = workers[1]!;
  trainer.child.kill('SIGKILL');
  await trainer.exited;

  // A new training host: its own empty data dir, so the checkpoint can only come from the bucket.
  const newHost = { MLOPS_WORKER_ROLE: 'training', MLOPS_DATA_DIR: tempDir('beyond-training-2') };
  const replacement = spawnCompiled('src/workers/main.js', [], { ...stack.env, ...newHost });
  workers.push(replacement);
  await waitForStage(stack.client, run.workflowId, ['awaiting-approval'], 480_000);
  expect(replacement.output()).toMatch(/resuming training from checkpoint/);
  await mlops('approve', run.workflowId, '--as', approver, '--comment', comment);
  expect(await run.handle.result()).toMatchObject({ outcome: 'deployed', version: 1 });
  expect(await sql('SELECT version FROM model_versions WHERE model_name = $1', [model])).toEqual([{ version: 1 }]);
}, 600_000);

test('drift: the monitor retrain builds its data on the control host and trains on the training host', async () => {
  const model = uniqueModel('beyond-drift');
  const retrain = { enabled: true, labelledWindow: '1h' };
  const performance = { metric: 'accuracy' as const, maxDrop: 1, minLabels: 100 };
  const monitoring = { window: '1h', cooldown: '0s', retrain, performance };
  const driftSpec = seattleSpec(model, monitoring, { dataset: spec(model).dataset });
  const run = await startLifecycle(stack.client, stack.config, { spec: driftSpec, requestedBy });
  await waitForStage(stack.client, run.workflowId, ['awaiting-approval']);
  await mlops('approve', run.workflowId, '--as', approver);
  expect(await run.handle.result()).toMatchObject({ outcome: 'deployed', version: 1 });

  const served = await serve(stack, model, await weatherRows('New York', 200));
  await mlops('labels', await labelsInBucket(model, served));
  await mlops('monitor', 'start', model, '--every', '1h', '--paused');
  const monitored = await mlops<{ result: MonitorResult }>('monitor', 'run', model, '--wait');
  await mlops('monitor', 'stop', model);
  expect(monitored.result)
    .toMatchObject({ verdict: 'drift', retrain: { action: 'started', workflowId: retrainWorkflowId(model) } });

  const child = await waitForStage(stack.client, retrainWorkflowId(model), ['awaiting-approval']);
  expect(child.dataset?.sourcePath).toMatch(new RegExp(`^s3://${bucket}/${prefix}/retrain/${model}/.+\\.parquet$`));
  expect(child.dataset?.rowCount).toBe((await stack.registry.getVersion(model, 1)).datasetRows + 200);
  const queues = queuesByActivity(await rawHistory(retrainWorkflowId(model)));
  expect(queues['trainCandidate']).toEqual([stack.config.temporal.builtinTrainingTaskQueue]);
  await mlops('reject', retrainWorkflowId(model), '--as', approver);
  await lifecycleHandle(stack.client, retrainWorkflowId(model)).result().catch(() => undefined);
});
