import { workflowUiLink, type AppConfig, type AuditLog } from '../domain';
import { ApproverDirectoryFiles } from './approver-directory';

/** The audit log as the activities use it: appends only (tests wrap it to inject faults). */
export type AuditAppender = Pick<AuditLog, 'append'>;

/** What the governance activities need: the audit log, the approver directory, where escalations go. */
export interface GovernanceAdapters {
  readonly audit: AuditAppender;
  readonly approvers: Pick<ApproverDirectoryFiles, 'load'>;
  readonly escalationWebhookUrl?: string;
  readonly workflowLink: (workflowId: string, runId: string) => string;
}

export function createGovernanceAdapters(config: AppConfig, registry: { readonly audit: AuditLog }): GovernanceAdapters {
  return {
    audit: registry.audit,
    approvers: new ApproverDirectoryFiles(config.governance.approversFile, config.governance.keysDir),
    ...(config.governance.escalationWebhookUrl ? { escalationWebhookUrl: config.governance.escalationWebhookUrl } : {}),
    workflowLink: (workflowId, runId) => workflowUiLink(config, workflowId, runId),
  };
}
