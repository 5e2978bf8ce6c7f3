import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { runCli } from '../../src/cli/main';
import { statusQuery } from '../../src/workflows/messages';
import type { AppConfig, LifecycleStatus } from '../../src/domain';
import { repoRoot, tempDir } from './paths';

/**
 * The people of the governance tests: ml-leads alice, bob, rita (who requests runs) and dave (also risk),
 * carol (risk). Alice has a key made here; carol's is made through `mlops keys generate` by the tests.
 */
export const approversFile = { approvers: { alice: { roles: ['ml-lead'] }, bob: { roles: ['ml-lead'] }, carol: { roles: ['risk'] }, dave: { roles: ['ml-lead', 'risk'] }, rita: { roles: ['ml-lead'] } } };

export interface GovernanceFixture {
  readonly dir: string;
  readonly env: Record<string, string>;
  readonly aliceKeyFile: string;
  readonly aliceKey: KeyObject;
  readonly malloryKey: KeyObject;
}

export function governanceFixture(extraEnv: Record<string, string> = {}): GovernanceFixture {
  const dir = tempDir('governance');
  const keysDir = join(dir, 'approver-keys');
  mkdirSync(keysDir);
  writeFileSync(join(dir, 'approvers.json'), JSON.stringify(approversFile));
  const alice = generateKeyPairSync('ed25519');
  writeFileSync(join(keysDir, 'alice.pub'), alice.publicKey.export({ type: 'spki', format: 'pem' }));
  const aliceKeyFile = join(dir, 'alice.ed25519.pem');
  writeFileSync(aliceKeyFile, alice.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return {
    dir,
    env: { MLOPS_APPROVERS_FILE: join(dir, 'approvers.json'), MLOPS_APPROVER_KEYS_DIR: keysDir, ...extraEnv },
    aliceKeyFile,
    aliceKey: alice.privateKey,
    malloryKey: generateKeyPairSync('ed25519').privateKey,
  };
}

/** Runs `mlops <args>` in-process against the stack's config; returns exit code and output. */
export async function cli(config: AppConfig, env: Record<string, string>, args: string[]): Promise<{ code: number; out: string; err: string }> {
  Object.assign(process.env, {
    TEMPORAL_ADDRESS: config.temporal.address,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    MLOPS_TASK_QUEUE: config.temporal.taskQueue,
    MLOPS_DATA_DIR: config.dataDir,
    ...env,
  });
  let out = '';
  let err = '';
  const code = await runCli(args, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

/** The plain Temporal CLI, as an operator would use it. */
export function temporalCli(config: AppConfig, args: string[]): string {
  const binary = execFileSync(join(repoRoot, 'scripts/temporal-server.sh'), ['cli']).toString().trim();
  return execFileSync(binary, [...args, '--address', config.temporal.address, '--namespace', config.temporal.namespace]).toString();
}

/** Signs a file's bytes with openssl, as docs/governance.md shows for approvers without our CLI. */
export function opensslSign(privateKeyFile: string, payload: string): string {
  const payloadFile = join(tempDir('payload'), 'payload.json');
  writeFileSync(payloadFile, payload);
  return execFileSync('openssl', ['pkeyutl', '-sign', '-rawin', '-inkey', privateKeyFile, '-in', payloadFile]).toString('base64');
}

/** Waits until the run has recorded `count` decisions (signals are fire-and-forget). */
export async function decisionsRecorded(client: Client, workflowId: string, count: number): Promise<LifecycleStatus> {
  for (;;) {
    const status = await client.workflow.getHandle(workflowId).query(statusQuery);
    if (status.decisions.length >= count) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A local webhook receiver: records each JSON body it is sent. */
export async function startWebhook(): Promise<{ url: string; received: unknown[]; close: () => Promise<void> }> {
  const received: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method, contentType: req.headers['content-type'], body: JSON.parse(body) as unknown });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hooks/mlops?token=secret`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface HistoryEvent {
  readonly eventId: string;
  readonly eventTime: string;
  readonly eventType: string;
  readonly [attributes: string]: unknown;
}

/** A run's history as the operator sees it: `temporal workflow show --output json`. */
export function historyOf(config: AppConfig, workflowId: string, runId: string): HistoryEvent[] {
  return (JSON.parse(temporalCli(config, ['workflow', 'show', '--workflow-id', workflowId, '--run-id', runId, '--output', 'json'])) as { events: HistoryEvent[] }).events;
}

/** The JSON value of a history payload ({ metadata, data: base64 }). */
export const payloadValue = (payload: { data?: string } | undefined): unknown => (payload?.data ? JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) : undefined);

/**
 * Decisions as the history records them, in order: signals `approve`/`reject` and accepted `decide` Updates,
 * each with `handledAt`, the start of the workflow task that ran its handler (= the workflow's clock then):
 * for a signal the next task after it, for an Update the task whose completion accepted it.
 */
export function decisionsInHistory(events: HistoryEvent[]): { kind: string; approver: unknown; via: 'signal' | 'update'; handledAt: string }[] {
  const taskStarts = events.filter((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_STARTED');
  const toIso = (time: string | undefined) => new Date(Date.parse(time ?? '')).toISOString(); // ns → ms, truncated like the SDK
  const id = (e: HistoryEvent) => Number(e.eventId);
  const out: { kind: string; approver: unknown; via: 'signal' | 'update'; handledAt: string }[] = [];
  for (const e of events) {
    if (e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED') {
      const a = e['workflowExecutionSignaledEventAttributes'] as { signalName: string; input?: { payloads?: { data?: string }[] } };
      const value = payloadValue(a.input?.payloads?.[0]) as { approver?: unknown } | undefined;
      out.push({ kind: a.signalName, approver: value?.approver, via: 'signal', handledAt: toIso(taskStarts.find((t) => id(t) > id(e))?.eventTime) });
    }
    if (e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED') {
      const a = e['workflowExecutionUpdateAcceptedEventAttributes'] as { acceptedRequest: { input: { args?: { payloads?: { data?: string }[] } } } };
      const value = payloadValue(a.acceptedRequest.input.args?.payloads?.[0]) as { decision: string; approver: unknown };
      out.push({ kind: value.decision, approver: value.approver, via: 'update', handledAt: toIso(taskStarts.filter((t) => id(t) < id(e)).pop()?.eventTime) });
    }
  }
  return out;
}
