import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  canonicalDecisionPayload,
  LIFECYCLE_WORKFLOW_TYPE,
  type AppConfig,
  type ApprovalView,
  type DecideRequest,
  type DecideResult,
  type DecisionKind,
  type EvaluationReport,
  type RecordedDecision,
  type RetrainEvidence,
  type SignedFields,
} from '../domain';
import { decideUpdate, statusQuery } from '../workflows/messages';
import { stageAttribute } from '../workflows/search-attributes';
import { lifecycleHandle } from './lifecycle-client';

/** An Update the workflow refused: `code` is the rule (see refusalCodes), `message` says it in words. */
export class DecisionRefusedError extends Error {
  override name = 'DecisionRefusedError';
  constructor(message: string, readonly code: string, readonly type: string) {
    super(message);
  }
}

/**
 * Sends a decision through the `decide` Update: the answer (or the refusal) comes back at once. The same
 * `updateId` sent twice returns the first result (Temporal dedupes), so a caller retrying a lost answer
 * passes the id of its first attempt; by default each call gets a fresh one.
 */
export async function submitDecision(client: Client, workflowId: string, request: DecideRequest, updateId: string = randomUUID()): Promise<DecideResult> {
  try {
    return await lifecycleHandle(client, workflowId).executeUpdate(decideUpdate, { args: [request], updateId });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const details = err.cause.details?.[0] as { code?: string } | undefined;
      throw new DecisionRefusedError(err.cause.message, details?.code ?? 'refused', err.cause.type ?? 'DecisionRefused');
    }
    throw err;
  }
}

/** Signs a decision with an Ed25519 private key (PEM, as `openssl genpkey -algorithm ed25519` writes it). */
export function signDecision(privateKeyPem: string, fields: SignedFields): string {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the signing key is ${key.asymmetricKeyType}, not Ed25519`);
  return sign(null, Buffer.from(canonicalDecisionPayload(fields), 'utf8'), key).toString('base64');
}

/** Model and version a run's gate is deciding on: what a signature must be bound to. */
export async function decisionTarget(client: Client, workflowId: string): Promise<{ model: string; version: number }> {
  const status = await lifecycleHandle(client, workflowId).query(statusQuery);
  if (status.version === undefined || !status.approval) throw new Error(`${workflowId} has no candidate awaiting approval (stage ${status.stage})`);
  return { model: status.model, version: status.version };
}

export async function signedDecision(
  client: Client,
  workflowId: string,
  args: { kind: DecisionKind; approver: string; comment?: string; keyFile: string },
): Promise<{ approver: string; comment?: string; signature: string }> {
  const target = await decisionTarget(client, workflowId);
  const pem = await readFile(args.keyFile, 'utf8');
  const comment = args.comment !== undefined ? { comment: args.comment } : {};
  const signature = signDecision(pem, { approver: args.approver, decision: args.kind, workflowId, ...target, ...comment });
  return { approver: args.approver, ...comment, signature };
}

export interface PendingApproval {
  readonly workflowId: string;
  readonly runId: string;
  readonly model: string;
  readonly version?: number;
  readonly requestedBy: string;
  readonly reason?: string;
  readonly startedAt: string;
  readonly approval?: ApprovalView;
  readonly evaluation?: EvaluationReport;
  readonly dataset?: { readonly id: string; readonly rowCount: number };
  readonly decisions: RecordedDecision[];
  /** Retrains: the monitor report that triggered the run and what it found. */
  readonly reportId?: string;
  readonly evidence?: RetrainEvidence;
}

/**
 * The approval inbox: runs that Temporal's visibility lists as awaiting approval on this task queue, each
 * with its gate (votes, deadline) and evidence from the `status` query.
 */
export async function listPendingApprovals(client: Client, config: AppConfig): Promise<PendingApproval[]> {
  const query = [
    `WorkflowType = '${LIFECYCLE_WORKFLOW_TYPE}'`,
    `ExecutionStatus = 'Running'`,
    `TaskQueue = '${config.temporal.taskQueue.replace(/'/g, "\\'")}'`,
    `${stageAttribute.name} = 'awaiting-approval'`,
  ].join(' AND ');
  const runs: { workflowId: string; runId: string; startTime: Date }[] = [];
  for await (const info of client.workflow.list({ query })) runs.push(info);
  const pending = await Promise.all(
    runs.map(async (run) => {
      const status = await client.workflow.getHandle(run.workflowId, run.runId).query(statusQuery).catch(() => null);
      if (!status || status.stage !== 'awaiting-approval') return null; // decided since the listing
      return {
        workflowId: run.workflowId,
        runId: run.runId,
        model: status.model,
        ...(status.version !== undefined ? { version: status.version } : {}),
        requestedBy: status.requestedBy,
        ...(status.reason ? { reason: status.reason } : {}),
        startedAt: run.startTime.toISOString(),
        ...(status.approval ? { approval: status.approval } : {}),
        ...(status.evaluation ? { evaluation: status.evaluation } : {}),
        ...(status.dataset ? { dataset: { id: status.dataset.id, rowCount: status.dataset.rowCount } } : {}),
        decisions: status.decisions,
        ...(status.reportId ? { reportId: status.reportId } : {}),
        ...(status.evidence ? { evidence: status.evidence } : {}),
      } satisfies PendingApproval;
    }),
  );
  return pending.filter((p): p is NonNullable<typeof p> => p !== null).sort((a, b) => (a.approval?.deadline ?? '~').localeCompare(b.approval?.deadline ?? '~'));
}
