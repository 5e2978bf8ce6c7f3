import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ingestLabels } from '../../src/adapters';
import { lifecycleHandle, sendDecision, startLifecycle, submitDecision, waitForStage } from '../../src/client';
import { runCli } from '../../src/cli/main';
import { LIFECYCLE_WORKFLOW_TYPE, type LifecycleStatus, type ModelSpecInput } from '../../src/domain';
import { startStack, type TestStack } from '../support/stack';
import { weatherSpec } from '../support/specs';
import { tempDir, weatherCsv } from '../support/paths';

/**
 * The bad-input corpus (issue 10, item 7): one table of malformed inputs at every door — dataset files (CSV,
 * Parquet), specs, workflow inputs, signals, Updates, labels files, predict requests and CLI arguments. Each
 * must be refused with a clear, typed error, and change nothing else: registry versions, aliases,
 * deployments, the served version, and the audit trail (beyond the one record a refusal is meant to leave).
 */
let stack: TestStack;
let dir: string;
let pending: string;
const served = 'bad-input-served';

beforeAll(async () => {
  stack = await startStack('bad-input');
  await stack.startWorker();
  dir = tempDir('bad-input');
  // A model in production (whose served version must not move) and a run waiting for approval (signals, Updates).
  const first = await startLifecycle(stack.client, stack.config, {
    spec: weatherSpec({ name: served }),
    requestedBy: 'test-suite',
  });
  await waitForStage(stack.client, first.workflowId, ['awaiting-approval']);
  await sendDecision(stack.client, first.workflowId, 'approve', { approver: 'alice' });
  await first.handle.result();
  const waiting = await startLifecycle(stack.client, stack.config, {
    spec: weatherSpec({ name: 'bad-input-pending' }),
    requestedBy: 'rita',
  });
  await waitForStage(stack.client, waiting.workflowId, ['awaiting-approval']);
  pending = waiting.workflowId;
});
afterAll(async () => stack?.close());

/** What a refusal looks like wherever it happens: a failure type, an HTTP error code, or a CLI exit code. */
type Refusal = { type: string; message: string };

// ---------------------------------------------------------------- inputs

const weatherLines = (): string[] => readFileSync(weatherCsv, 'utf8').trim().split('\n');
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const smallCsv = (rows = 120): string[] => weatherLines().slice(0, rows + 1);
/** The small CSV with line `index` (0 = header) rewritten. */
const csvWith = (index: number, edit: (line: string) => string): string =>
  smallCsv().map((l, i) => (i === index ? edit(l) : l)).join('\n');
/** Replaces the third field (precipitation) of a data line. */
const precipitation = (value: string) => (line: string) => line.replace(/^([^,]+),([^,]+),([^,]+),/, `$1,$2,${value},`);
const badRun = (name: string, content: string | Buffer) => () => lifecycleFailure(caseSpec(file(name, content)));
const badParquet = (name: string, select: string) => async () =>
  lifecycleFailure(caseSpec(await parquet(name, select)));
const start = (spec: unknown) => () =>
  thrown(() => startLifecycle(stack.client, stack.config, { spec: spec as never, requestedBy: 'x' }));
const latin1Csv = (): Buffer =>
  Buffer.concat([Buffer.from(smallCsv().join('\n')), Buffer.from('\nS\xe9attle,2016-01-01,0,10,5,3,rain\n', 'latin1')]);
const fromWeather = (sql: string) => sql.replace('weather', `read_csv('${weatherCsv}')`);

async function parquet(name: string, select: string): Promise<string> {
  const path = join(dir, name);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    await c.run(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
  } finally {
    c.closeSync();
  }
  return path;
}

let modelSeq = 0;
const caseSpec = (path: string, overrides: Partial<ModelSpecInput> = {}): ModelSpecInput =>
  weatherSpec({ name: `bad-ds-${++modelSeq}`, dataset: { path }, minRows: 50, ...overrides });

/**
 * Runs a lifecycle on a bad dataset to its end. A bad input must fail at once, non-retryable: an activity on
 * its second attempt means the error was not classified (a retry loop of hours), and fails the case.
 */
async function lifecycleFailure(spec: ModelSpecInput): Promise<Refusal> {
  const { handle } = await startLifecycle(stack.client, stack.config, { spec, requestedBy: 'test-suite' });
  for (;;) {
    const d = await handle.describe();
    if (d.status.name !== 'RUNNING') break;
    const retrying = d.raw.pendingActivities?.find((a) => (a.attempt ?? 1) > 1);
    if (retrying) {
      await handle.terminate('bad-input corpus: a bad input is being retried');
      return { type: 'retried (not classified)', message: retrying.lastFailure?.message ?? '' };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return failureOf(await handle.result().then(() => null, (e: unknown) => e));
}

/** The innermost ApplicationFailure of a workflow failure (through the activity failure). */
function failureOf(err: unknown): Refusal {
  if (!(err instanceof WorkflowFailedError)) throw new Error(`expected the run to fail, got ${String(err)}`);
  let e: unknown = err.cause;
  const causeOf = (x: unknown): unknown => (x as { cause?: unknown }).cause;
  while (e instanceof Error && !(e instanceof ApplicationFailure) && causeOf(e)) e = causeOf(e);
  if (!(e instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(e)}`);
  return { type: e.type ?? 'untyped', message: e.message };
}

async function thrown(fn: () => Promise<unknown>): Promise<Refusal> {
  try {
    await fn();
  } catch (err) {
    const e = err as Error & { type?: string; code?: string };
    return { type: e.type ?? e.name, message: e.message };
  }
  throw new Error('expected an error');
}

async function rawStart(input: unknown): Promise<Refusal> {
  const handle = await stack.client.workflow.start(LIFECYCLE_WORKFLOW_TYPE, {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId: `bad-input-raw-${++modelSeq}`,
    args: [input],
  });
  return failureOf(await handle.result().then(() => null, (e: unknown) => e));
}

/** A signal has no answer: the refusal is the decision the run records as not accepted, with its code. */
async function signalRefusal(kind: 'approve' | 'reject', payload: unknown): Promise<Refusal> {
  const handle = lifecycleHandle(stack.client, pending);
  const before = (await handle.query<LifecycleStatus>('status')).decisions.length;
  await sendDecision(stack.client, pending, kind, payload as never);
  for (;;) {
    const status = await handle.query<LifecycleStatus>('status');
    const last = status.decisions[before];
    if (last) return { type: last.accepted ? 'accepted' : `refused:${last.code ?? '?'}`, message: last.reason ?? '' };
    await new Promise((r) => setTimeout(r, 100));
  }
}

const update = (request: unknown): Promise<Refusal> =>
  thrown(() => submitDecision(stack.client, pending, request as never));

async function predict(body: string | object, model = served): Promise<Refusal> {
  const res = await fetch(`${stack.serverUrl}/v1/models/${model}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const answer = (await res.json()) as { error?: string; message?: string };
  return { type: `http ${res.status} ${answer.error ?? ''}`, message: answer.message ?? '' };
}

const labels = (path: string): Promise<Refusal> =>
  thrown(() => ingestLabels(stack.predictions, path, { strict: true }));

/** The CLI in-process with the stack's environment; the refusal is its exit code and what it printed. */
async function cli(...argv: string[]): Promise<Refusal> {
  const saved = Object.fromEntries(Object.keys(stack.env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, stack.env);
  let out = '';
  try {
    const code = await runCli(argv, (s) => (out += s), (s) => (out += s));
    return { type: `exit ${code}`, message: out };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

const instance = { location: 'Seattle', precipitation: 1, temp_max: 10, temp_min: 5, wind: 3 };
const lifecycleFailed = ['lifecycle.requested', 'lifecycle.failed'];

interface Case {
  readonly area: string;
  readonly name: string;
  readonly run: () => Promise<Refusal>;
  readonly type: string;
  readonly message: RegExp;
  /** Audit records the refusal is meant to leave (a failed run's trail, a refused decision); nothing else. */
  readonly audit?: string[];
}

const cases: Case[] = [
  // ---- dataset files (through a real lifecycle run)
  {
    area: 'csv',
    name: 'empty file',
    run: () => lifecycleFailure(caseSpec(file('empty.csv', ''))),
    type: 'DatasetUnreadable',
    message: /empty\.csv is empty \(0 bytes\)/,
    audit: lifecycleFailed,
  },
  {
    area: 'csv',
    name: 'header only',
    run: () => lifecycleFailure(caseSpec(file('header.csv', `${smallCsv(0)[0]}\n`))),
    type: 'DatasetInvalid',
    message: /^dataset failed validation: row-count — 0 rows \(minimum 50\)$/,
    audit: lifecycleFailed,
  },
  {
    area: 'csv',
    name: 'wrong delimiter (header with commas, rows with semicolons)',
    run: badRun('semicolons.csv', smallCsv().map((l, i) => (i === 0 ? l : l.replace(/,/g, ';'))).join('\n')),
    type: 'DatasetInvalid',
    message: /column "location" is missing \(the dataset's columns: Seattle/,
    audit: lifecycleFailed,
  },
  {
    area: 'csv',
    name: 'mixed types (text in a numeric column)',
    run: badRun('mixed.csv', csvWith(60, precipitation('lots'))),
    type: 'DatasetInvalid',
    message: /precipitation: type — VARCHAR is not numeric$/,
    audit: lifecycleFailed,
  },
  {
    area: 'csv',
    name: 'huge numbers (1e400 overflows a double)',
    run: badRun('huge.csv', csvWith(7, precipitation('1e400'))),
    type: 'DatasetInvalid',
    message: /precipitation: range — .*1 NaN\/Inf values/,
    audit: lifecycleFailed,
  },
  {
    area: 'csv',
    name: 'non-UTF-8 bytes (Latin-1 location)',
    run: () => badRun('latin1.csv', latin1Csv())(),
    type: 'DatasetUnreadable',
    message: /latin1\.csv: .*not utf-8 encoded/,
    audit: lifecycleFailed,
  },
  {
    area: 'csv',
    name: 'duplicate column names',
    run: badRun('dupes.csv', csvWith(0, (header) => header.replace('temp_min', 'temp_max'))),
    type: 'DatasetUnreadable',
    message: /dupes\.csv repeats column names in its header: temp_max$/,
    audit: lifecycleFailed,
  },
  {
    area: 'csv',
    name: 'missing target column',
    run: badRun('no-target.csv', smallCsv().map((l) => l.replace(/,[a-z]+$/, '')).join('\n')),
    type: 'DatasetInvalid',
    message: /target column "weather" is missing \(the dataset's columns: location, date/,
    audit: lifecycleFailed,
  },
  {
    area: 'csv',
    name: 'a directory instead of a file',
    run: () => lifecycleFailure(caseSpec(dir)),
    type: 'DatasetNotFound',
    message: /not a file/,
    audit: lifecycleFailed,
  },
  {
    area: 'parquet',
    name: 'not Parquet bytes',
    run: badRun('garbage.parquet', 'PAR1 this is not parquet'),
    type: 'DatasetUnreadable',
    message: /garbage\.parquet/,
    audit: lifecycleFailed,
  },
  {
    area: 'parquet',
    name: 'no rows',
    run: badParquet('empty.parquet', fromWeather('SELECT * FROM weather LIMIT 0')),
    type: 'DatasetInvalid',
    message: /^dataset failed validation: row-count — 0 rows \(minimum 50\)$/,
    audit: lifecycleFailed,
  },
  {
    area: 'parquet',
    name: 'a numeric feature stored as text',
    run: badParquet('wind-text.parquet', fromWeather("SELECT * REPLACE ('w' || wind::VARCHAR AS wind) FROM weather")),
    type: 'DatasetInvalid',
    message: /wind/,
    audit: lifecycleFailed,
  },
  {
    area: 'parquet',
    name: 'NaN and Infinity in a numeric feature',
    run: badParquet(
      'nan.parquet',
      fromWeather(`SELECT * REPLACE (CASE WHEN temp_max > 20 THEN 'NaN'::DOUBLE WHEN temp_max < 0 THEN 'inf'::DOUBLE
        ELSE temp_max END AS temp_max) FROM weather LIMIT 400`),
    ),
    type: 'DatasetInvalid',
    message: /temp_max/,
    audit: lifecycleFailed,
  },
  {
    area: 'dataset',
    name: 'a path outside the dataset roots',
    run: () => lifecycleFailure(caseSpec('/etc/hostname')),
    type: 'SpecInvalid',
    message: /dataset roots|outside/,
    audit: lifecycleFailed,
  },
  {
    area: 'dataset',
    name: 'a path into a hidden folder below a root',
    run: () => lifecycleFailure(caseSpec(join(stack.config.dataDir, '..', '.git', 'config'))),
    type: 'SpecInvalid',
    message: /hidden|not allowed|outside/,
    audit: lifecycleFailed,
  },

  // ---- specs and workflow inputs
  {
    area: 'spec',
    name: 'not an object',
    run: () => thrown(() => startLifecycle(stack.client, stack.config, { spec: 'weather' as never, requestedBy: 'x' })),
    type: 'SpecInvalid',
    message: /expected object/,
  },
  {
    area: 'spec',
    name: 'an unknown field',
    run: start({ ...weatherSpec(), colour: 'red' }),
    type: 'SpecInvalid',
    message: /colour/,
  },
  {
    area: 'spec',
    name: 'a feature of unknown type',
    run: start({ ...weatherSpec(), features: [{ name: 'wind', type: 'vector' }] }),
    type: 'SpecInvalid',
    message: /features\.0/,
  },
  {
    area: 'spec',
    name: 'negative minRows and a test fraction of 1',
    run: start(weatherSpec({ minRows: -5, split: { testFraction: 1, seed: 1 } })),
    type: 'SpecInvalid',
    message: /minRows.*split\.testFraction|split\.testFraction.*minRows/,
  },
  {
    area: 'spec',
    name: 'a filter with SQL in it',
    run: start(weatherSpec({ dataset: { path: weatherCsv, where: '1=1; DROP TABLE x' } })),
    type: 'SpecInvalid',
    message: /dataset\.where/,
  },
  {
    area: 'input',
    name: 'workflow input without requestedBy (any client)',
    run: () => rawStart({ spec: weatherSpec() }),
    type: 'SpecInvalid',
    message: /requestedBy/,
  },
  {
    area: 'input',
    name: 'workflow input with an unknown trigger',
    run: () => rawStart({ spec: weatherSpec(), requestedBy: 'x', trigger: 'cron' }),
    type: 'SpecInvalid',
    message: /trigger/,
  },
  {
    area: 'input',
    name: 'workflow input that is an array',
    run: () => rawStart([1, 2, 3]),
    type: 'SpecInvalid',
    message: /input/,
  },

  // ---- signals (no answer: the run records the refusal, with its code)
  {
    area: 'signal',
    name: 'approve with an empty payload',
    run: () => signalRefusal('approve', {}),
    type: 'refused:malformed',
    message: /approver/,
    audit: ['decision.refused'],
  },
  {
    area: 'signal',
    name: 'approve with a number as approver',
    run: () => signalRefusal('approve', { approver: 42 }),
    type: 'refused:malformed',
    message: /approver/,
    audit: ['decision.refused'],
  },
  {
    area: 'signal',
    name: 'reject with an unknown field',
    run: () => signalRefusal('reject', { approver: 'bob', verdict: 'no' }),
    type: 'refused:malformed',
    message: /verdict|unrecognized/i,
    audit: ['decision.refused'],
  },
  {
    area: 'signal',
    name: 'approve with a non-base64 signature',
    run: () => signalRefusal('approve', { approver: 'bob', signature: 42 }),
    type: 'refused:malformed',
    message: /signature/,
    audit: ['decision.refused'],
  },

  // ---- Updates (refused synchronously by the validator: nothing reaches the history or the audit)
  {
    area: 'update',
    name: 'decide with decision "maybe"',
    run: () => update({ decision: 'maybe', approver: 'bob' }),
    type: 'DecisionInvalid',
    message: /decision/,
  },
  {
    area: 'update',
    name: 'decide without a decision',
    run: () => update({ approver: 'bob' }),
    type: 'DecisionInvalid',
    message: /decision/,
  },
  {
    area: 'update',
    name: 'decide with an array payload',
    run: () => update(['approve']),
    type: 'DecisionInvalid',
    message: /expected object|decision/,
  },
  {
    area: 'update',
    name: 'decide with a 10 kB approver name',
    run: () => update({ decision: 'approve', approver: 'x'.repeat(10_000) }),
    type: 'DecisionInvalid',
    message: /approver/,
  },

  // ---- labels files
  {
    area: 'labels',
    name: 'empty file',
    run: () => labels(file('empty-labels.csv', '')),
    type: 'LabelsError',
    message: /empty-labels\.csv is empty/,
  },
  {
    area: 'labels',
    name: 'no label column',
    run: () => labels(file('nolabel.csv', 'request_id,truth\nabc,rain\n')),
    type: 'LabelsError',
    message: /label/,
  },
  {
    area: 'labels',
    name: 'unsupported extension',
    run: () => labels(file('labels.txt', 'request_id,label\nabc,rain\n')),
    type: 'LabelsError',
    message: /\.csv, \.ndjson/,
  },
  {
    area: 'labels',
    name: 'NDJSON that is not JSON',
    run: () => labels(file('broken.ndjson', '{"request_id": "a", "label": \n')),
    type: 'LabelsError',
    message: /broken\.ndjson/,
  },
  {
    area: 'labels',
    name: 'a path outside the dataset roots',
    run: () => labels('/etc/hostname.csv'),
    type: 'LabelsError',
    message: /outside|roots|not found/,
  },
  {
    area: 'labels',
    name: 'unknown request ids in strict mode',
    run: () => labels(file('unknown.csv', 'request_id,label\nno-such-request,rain\n')),
    type: 'LabelsError',
    message: /no-such-request|not in the prediction log/,
  },

  // ---- predict requests
  {
    area: 'predict',
    name: 'body that is not JSON',
    run: () => predict('{"instances": [', served),
    type: 'http 400 bad_request',
    message: /JSON/i,
  },
  {
    area: 'predict',
    name: 'no instances',
    run: () => predict({ instances: [] }),
    type: 'http 400 bad_request',
    message: /instances/,
  },
  {
    area: 'predict',
    name: 'a feature of the wrong type',
    run: () => predict({ instances: [{ ...instance, temp_max: 'warm' }] }),
    type: 'http 400 bad_request',
    message: /instances\.0\.temp_max/,
  },
  {
    area: 'predict',
    name: 'an unknown feature',
    run: () => predict({ instance: { ...instance, humidity: 3 } }),
    type: 'http 400 bad_request',
    message: /humidity/,
  },
  {
    area: 'predict',
    name: 'more than 1000 rows',
    run: () => predict({ instances: Array.from({ length: 1001 }, () => instance) }),
    type: 'http 400 bad_request',
    message: /at most 1000/,
  },
  {
    area: 'predict',
    name: 'a huge number (1e400 reads as Infinity)',
    run: () => predict(JSON.stringify({ instance }).replace('"precipitation":1', '"precipitation":1e400')),
    type: 'http 400 bad_request',
    message: /precipitation/,
  },
  {
    area: 'predict',
    name: 'a model that is not served',
    run: () => predict({ instance }, 'no-such-model'),
    type: 'http 404 not_found',
    message: /not being served/,
  },

  // ---- CLI arguments
  {
    area: 'cli',
    name: 'unknown command',
    run: () => cli('deploy-everything'),
    type: 'exit 2',
    message: /unknown command/,
  },
  { area: 'cli', name: 'run without a spec', run: () => cli('run'), type: 'exit 2', message: /usage: mlops run/ },
  {
    area: 'cli',
    name: 'run with a spec file that is not JSON',
    run: () => cli('run', file('spec.json', '{name: weather')),
    type: 'exit 2',
    message: /cannot read spec/,
  },
  {
    area: 'cli',
    name: 'approve without --as',
    run: () => cli('approve', pending),
    type: 'exit 2',
    message: /--as is required/,
  },
  {
    area: 'cli',
    name: 'rollback --to a word',
    run: () => cli('rollback', served, '--to', 'latest'),
    type: 'exit 2',
    message: /--to/,
  },
  { area: 'cli', name: 'an unknown option', run: () => cli('models', '--colour'), type: 'exit 2', message: /colour/ },
  {
    area: 'cli',
    name: 'monitor start --every banana',
    run: () => cli('monitor', 'start', served, '--every', 'banana'),
    type: 'exit 2',
    message: /--every: not a duration: "banana"/,
  },
];

interface StateSnapshot {
  versions: string[];
  aliases: string[];
  aliasHistory: string[];
  deployments: string[];
  served: unknown;
  auditIds: number;
}

async function snapshot(): Promise<StateSnapshot> {
  const store = stack.registry.deployments;
  const res = await fetch(`${stack.serverUrl}/v1/models/${served}`);
  const info = (await res.json()) as { version?: number; rollout?: unknown };
  return {
    versions: (await stack.registry.listVersions()).map((v) => `${v.modelName} v${v.version} ${v.status}`),
    aliases: (await stack.registry.listAliases()).map((a) => `${a.modelName} ${a.alias} v${a.version}`),
    aliasHistory: (await stack.registry.aliasHistory(served)).map((h) => `${h.fromVersion} → ${h.toVersion}`),
    deployments: (await store.list(served)).map((d) => `${d.id} ${d.state}`),
    served: { version: info.version, rollout: info.rollout },
    auditIds: (await stack.registry.audit.list()).length,
  };
}

/** Audit events appended since `from`; waits for `expected` of them (the trail is stored asynchronously). */
async function newAuditKinds(from: number, expected: number): Promise<string[]> {
  for (;;) {
    const events = (await stack.registry.audit.list()).slice(from);
    if (events.length >= expected) return events.map((e) => e.kind);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the corpus covers every door with at least 30 cases', () => {
  expect(cases.length).toBeGreaterThanOrEqual(30);
  const areas = ['csv', 'parquet', 'dataset', 'spec', 'input', 'signal', 'update', 'labels', 'predict', 'cli'];
  expect(new Set(cases.map((c) => c.area))).toEqual(new Set(areas));
});

const table = cases.map((c) => [`${c.area}: ${c.name}`, c] as const);
test.each(table)('%s → a typed error, nothing else changes', async (_name, c) => {
  const before = await snapshot();
  const refusal = await c.run();
  expect(refusal.type).toBe(c.type);
  expect(refusal.message).toMatch(c.message);
  const audit = await newAuditKinds(before.auditIds, c.audit?.length ?? 0);
  expect(audit).toEqual(c.audit ?? []);
  const after = await snapshot();
  expect({ ...after, auditIds: before.auditIds }).toEqual(before);
});

test('after the corpus the waiting run still takes a well-formed decision', async () => {
  await sendDecision(stack.client, pending, 'reject', { approver: 'bob', comment: 'end of corpus' });
  expect(await lifecycleHandle(stack.client, pending).result()).toMatchObject({ outcome: 'rejected' });
});
