import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import pino from 'pino';
import { dataConverterFor, payloadCodecFor } from '../../src/adapters';
import { sendDecision, startLifecycle, waitForStage } from '../../src/client';
import { pollUntil } from '../../src/client/poll';
import { parseConfig } from '../../src/domain';
import { buildCodecServer } from '../../src/serving/codec-server';
import { modelAttribute, stageAttribute } from '../../src/workflows/search-attributes';
import { repoRoot } from '../support/paths';
import { newPayloadKey } from '../support/payload-keys';
import { weatherSpec } from '../support/specs';
import { startStack, type TestStack } from '../support/stack';

/**
 * Encrypted payloads on the real dev server: what a reader WITHOUT the keys finds in the history (nothing of
 * the spec, the comment or the approver), what the codec server shows to whoever holds its token, rotation
 * from key A to key B, and a worker that lacks the key a run was written with.
 */
const keyA = newPayloadKey('key-a');
const keyB = newPayloadKey('key-b');
const keyC = newPayloadKey('key-c');
const codecToken = 'codec-token-for-the-test-0123';
const uiOrigin = 'http://localhost:8233';

// Distinctive plaintext that must not appear in any history byte.
const markers = {
  approver: 'approver-zelda-4711',
  comment: 'comment-marker-looks-fine-to-me',
  requestedBy: 'requester-marker-bob',
  reason: 'reason-marker-quarterly-refresh',
  filter: 'precipitation >= 0.123456',
  // (not the target `weather`: the model name, in the workflow id and search attributes, contains it)
  feature: 'temp_max',
  otherFeature: 'temp_min',
  category: 'New York',
  datasetFile: 'weather.csv',
};

let stack: TestStack;
let stopWorker: () => Promise<void>;
/** A client with the default data converter: sees what the Temporal server stores. */
let rawClient: Client;
const clientWithKeys = (keys: string) =>
  new Client({ connection: stack.client.connection, namespace: stack.config.temporal.namespace, dataConverter: dataConverterFor(parseConfig({ MLOPS_PAYLOAD_KEYS: keys })) });

beforeAll(async () => {
  stack = await startStack('encrypted', { MLOPS_PAYLOAD_KEYS: keyA });
  ({ stop: stopWorker } = await stack.startWorker());
  rawClient = new Client({ connection: stack.client.connection, namespace: stack.config.temporal.namespace });
});
afterAll(async () => stack?.close());

const spec = (name: string) => weatherSpec({ name, dataset: { ...weatherSpec().dataset, where: markers.filter } });

async function historyBytes(workflowId: string): Promise<Buffer> {
  const history = await rawClient.workflow.getHandle(workflowId).fetchHistory();
  return Buffer.from(temporal.api.history.v1.History.encode(temporal.api.history.v1.History.create(history)).finish());
}

let firstWorkflowId = '';

test('with encryption on, the history of an approved run holds no plaintext spec, comment or approver', async () => {
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, {
    spec: spec('weather-encrypted'),
    requestedBy: markers.requestedBy,
    reason: markers.reason,
  });
  firstWorkflowId = workflowId;
  await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  await sendDecision(stack.client, workflowId, 'approve', { approver: markers.approver, comment: markers.comment });
  expect(await handle.result()).toMatchObject({ outcome: 'deployed', decision: { approver: markers.approver, comment: markers.comment } });

  const deploymentIds = (await handle.fetchHistory()).events
    ?.map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId)
    .filter((id): id is string => Boolean(id));
  expect(deploymentIds?.length).toBeGreaterThan(0);
  for (const id of [workflowId, ...(deploymentIds ?? [])]) {
    const bytes = await historyBytes(id);
    expect(bytes.includes('binary/encrypted')).toBe(true);
    const found = Object.entries(markers).filter(([, text]) => bytes.includes(text));
    expect({ workflow: id, plaintext: found }).toEqual({ workflow: id, plaintext: [] });
  }
  // Search attributes are not encoded: the UI and list filters still read them without the keys.
  // (`handle.describe()` would decode the memo, which is encrypted: read the raw response.)
  const described = await rawClient.workflowService.describeWorkflowExecution({
    namespace: stack.config.temporal.namespace,
    execution: { workflowId },
  });
  const attribute = (name: string) =>
    defaultPayloadConverter.fromPayload(described.workflowExecutionInfo?.searchAttributes?.indexedFields?.[name] ?? {});
  expect(attribute(modelAttribute.name)).toBe('weather-encrypted');
  expect(attribute(stageAttribute.name)).toBe('deployed');
});

test('the codec server decodes for the token holder, refuses others (401) and admits the UI origin', async () => {
  const codec = payloadCodecFor(stack.config)!;
  const app = buildCodecServer({ codec, token: codecToken, uiOrigin, logger: pino({ level: 'silent' }) });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const started = (await rawClient.workflow.getHandle(firstWorkflowId).fetchHistory()).events?.[0];
    const input = started?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const body = JSON.stringify({
      payloads: [{
        metadata: Object.fromEntries(Object.entries(input?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(input?.data ?? []).toString('base64'),
      }],
    });
    const post = (path: string, headers: Record<string, string>, payload = body) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: uiOrigin, ...headers }, body: payload });

    const decoded = await post('/decode', { authorization: `Bearer ${codecToken}`, 'x-namespace': 'default' });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    const [plain] = ((await decoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(Buffer.from(plain!.metadata['encoding']!, 'base64').toString()).toBe('json/plain');
    const lifecycleInput = JSON.parse(Buffer.from(plain!.data, 'base64').toString()) as { requestedBy: string; spec: { dataset: { where: string } } };
    expect(lifecycleInput).toMatchObject({ requestedBy: markers.requestedBy, spec: { dataset: { where: markers.filter } } });

    expect((await post('/decode', {})).status).toBe(401);
    expect((await post('/decode', { authorization: 'Bearer not-the-token' })).status).toBe(401);
    expect((await post('/encode', {})).status).toBe(401);

    // /encode then /decode round-trips through the configured key.
    const plainBody = JSON.stringify({ payloads: [plain] });
    const encoded = (await (await post('/encode', { authorization: `Bearer ${codecToken}` }, plainBody)).json()) as { payloads: unknown[] };
    const back = (await (await post('/decode', { authorization: `Bearer ${codecToken}` }, JSON.stringify(encoded))).json()) as { payloads: unknown[] };
    expect(back.payloads).toEqual([plain]);

    // A browser signs in once (form POST), then the UI's "include credentials" sends the cookie.
    const login = await fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${codecToken}` });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
    expect((await post('/decode', { cookie })).status).toBe(200);
    expect((await post('/decode', { cookie: 'mlops_codec_token=wrong' })).status).toBe(401);
    const refused = await fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=wrong' });
    expect([refused.status, refused.headers.get('set-cookie')]).toEqual([401, null]);

    // The Temporal CLI decodes through it with --codec-endpoint/--codec-auth (so would the UI's codec setting).
    // (Asynchronously: this process serves the codec endpoint the CLI calls.)
    const show = ['workflow', 'show', '-w', firstWorkflowId, '--output', 'json'];
    const temporal = async (args: string[]) => {
      const binary = execFileSync(join(repoRoot, 'scripts/temporal-server.sh'), ['cli']).toString().trim();
      const connection = ['--address', stack.config.temporal.address, '--namespace', stack.config.temporal.namespace];
      return (await promisify(execFile)(binary, [...args, ...connection], { timeout: 30_000 })).stdout;
    };
    // JSON output keeps payload data in base64: read every `data` field.
    const payloadTexts = (json: string) =>
      [...json.matchAll(/"data": "([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString()).join('\n');
    expect(payloadTexts(await temporal(show))).not.toContain(markers.comment);
    const viaCodec = payloadTexts(await temporal([...show, '--codec-endpoint', url, '--codec-auth', `Bearer ${codecToken}`]));
    expect(viaCodec).toContain(markers.comment);
    expect(viaCodec).toContain(markers.approver);

    const preflight = (origin: string) =>
      fetch(`${url}/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' },
      });
    const admitted = await preflight(uiOrigin);
    expect(admitted.status).toBe(204);
    expect(admitted.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(admitted.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(admitted.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await preflight('http://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  } finally {
    await app.close();
  }
});

test('rotation: a run written with key A completes after B becomes current with A kept as an old key', async () => {
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, { spec: spec('weather-rotated'), requestedBy: 'rotation' });
  await waitForStage(stack.client, workflowId, ['awaiting-approval']);
  await stopWorker(); // the next worker has no cached state: it replays the history written with key A
  ({ stop: stopWorker } = await stack.startWorker(undefined, { env: { MLOPS_PAYLOAD_KEYS: `${keyB},${keyA}` } }));
  const rotated = clientWithKeys(`${keyB},${keyA}`);
  await sendDecision(rotated, workflowId, 'approve', { approver: markers.approver });
  expect(await rotated.workflow.getHandle(workflowId).result()).toMatchObject({ outcome: 'deployed' });
  const bytes = await historyBytes(workflowId);
  expect(bytes.includes('key-a')).toBe(true);
  expect(bytes.includes('key-b')).toBe(true);
  expect(handle.workflowId).toBe(workflowId);
});

test('a worker without the key a run was written with fails the workflow task naming the key id, and keeps running', async () => {
  await stopWorker();
  const { worker, stop } = await stack.startWorker(undefined, { env: { MLOPS_PAYLOAD_KEYS: keyC } });
  stopWorker = stop;
  const { workflowId, handle } = await startLifecycle(stack.client, stack.config, { spec: spec('weather-unknown-key'), requestedBy: 'nobody' });
  const failure = await pollUntil(
    async () =>
      (await handle.fetchHistory()).events?.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure,
    (f) => f !== undefined,
    { timeoutMs: 60_000, intervalMs: 200, timeoutMessage: () => `no workflow task failure in ${workflowId}` },
  );
  expect(failure?.message).toMatch(/key id "key-a", which is not configured here \(keys: key-c\)/);
  expect(failure?.applicationFailureInfo?.type).toBe('PayloadKeyUnknown');
  expect(worker.getState()).toBe('RUNNING');
  await handle.terminate('test: unknown key id');
});
