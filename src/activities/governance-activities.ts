import { postJson, type AuditAppendResult } from '../adapters';
import type { ApproverDirectory, AuditEventInput, StageProgress } from '../domain';
import type { ActivityDeps } from './deps';
import { currentWorkflowRun } from './run-context';

/** What an escalation tells people (log line and webhook body). */
export interface EscalationNotice {
  readonly model: string;
  readonly version: number;
  readonly requestedBy: string;
  readonly reason?: string;
  readonly stage: string;
  readonly stages: StageProgress[];
  readonly openedAt: string;
  readonly deadline?: string;
  readonly onTimeout: 'reject' | 'approve';
}

export type EscalationWebhookBody = EscalationNotice & {
  readonly event: 'mlops.approval.escalation';
  readonly workflowId: string;
  readonly runId: string;
  readonly ui: string;
};

export function createGovernanceActivities({ governance, logger }: Pick<ActivityDeps, 'governance' | 'logger'>) {
  const log = logger.child({ component: 'governance-activities' });
  return {
    /** Snapshot of people → roles and their public keys, taken when a gate opens. Public data only. */
    async loadApproverDirectory(): Promise<ApproverDirectory> {
      return governance.approvers.load();
    },

    /**
     * Appends the run's audit events; idempotent on (workflow id, run id, seq), so retries — of this activity or
     * of a workflow task that died after it stored the batch — add nothing.
     * @throws ApplicationFailure `AuditConflict` (non-retryable) when a stored event under a key differs.
     */
    async appendAuditEvents(input: { events: AuditEventInput[] }): Promise<AuditAppendResult> {
      const { workflowId, runId } = currentWorkflowRun();
      return governance.audit.append(workflowId, runId, input.events);
    },

    /** Reminds and escalates an undecided gate: always a log line, and a JSON POST when a webhook is configured. */
    async escalateApproval(notice: EscalationNotice): Promise<{ webhookStatus: number | null }> {
      const { workflowId, runId } = currentWorkflowRun();
      const body: EscalationWebhookBody = { event: 'mlops.approval.escalation', ...notice, workflowId, runId, ui: governance.workflowLink(workflowId, runId) };
      log.warn({ model: notice.model, version: notice.version, stage: notice.stage, deadline: notice.deadline, workflowId }, 'approval gate escalated: still undecided');
      if (!governance.escalationWebhookUrl) return { webhookStatus: null };
      const { status } = await postJson(governance.escalationWebhookUrl, body);
      return { webhookStatus: status };
    },
  };
}
