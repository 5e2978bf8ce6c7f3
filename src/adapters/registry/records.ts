import type {
  AuditEvent,
  AuditEventKind,
  DeploymentKind,
  DeploymentRecordState,
  DeploymentRow,
  ModelVersionRow,
  MonitorVerdict,
  ReportRow,
  RetrainOutcome,
  RolloutStep,
  Strategy,
  TriggerKind,
  VersionStatus,
} from '../../domain';

/** Rows as both databases return them (snake_case columns, JSON as text), and their mapping to port rows. */
export interface VersionRecord {
  model_name: string;
  version: number;
  status: VersionStatus;
  dataset_id: string;
  dataset_path: string;
  dataset_rows: number;
  spec_json: string;
  params_json: string;
  metrics_json: string;
  artifact_path: string;
  artifact_sha256: string;
  code_version: string | null;
  workflow_id: string;
  run_id: string;
  requested_by: string;
  created_at: string;
  status_reason: string | null;
}

export const toVersion = (r: VersionRecord): ModelVersionRow => ({
  modelName: r.model_name,
  version: r.version,
  status: r.status,
  statusReason: r.status_reason,
  datasetId: r.dataset_id,
  datasetPath: r.dataset_path,
  datasetRows: r.dataset_rows,
  spec: JSON.parse(r.spec_json),
  params: JSON.parse(r.params_json),
  metrics: JSON.parse(r.metrics_json),
  artifactPath: r.artifact_path,
  artifactSha256: r.artifact_sha256,
  codeVersion: r.code_version,
  workflowId: r.workflow_id,
  runId: r.run_id,
  requestedBy: r.requested_by,
  createdAt: r.created_at,
});

export interface AuditRecord {
  id: number;
  event_key: string;
  at: string;
  recorded_at: string;
  kind: AuditEventKind;
  actor: string;
  model_name: string | null;
  version: number | null;
  workflow_id: string | null;
  run_id: string | null;
  details_json: string;
}

export const toAuditEvent = (r: AuditRecord): AuditEvent => ({
  id: r.id,
  eventKey: r.event_key,
  at: r.at,
  recordedAt: r.recorded_at,
  kind: r.kind,
  actor: r.actor,
  model: r.model_name,
  version: r.version,
  workflowId: r.workflow_id,
  runId: r.run_id,
  details: JSON.parse(r.details_json) as Record<string, unknown>,
});

export interface DeploymentRecord {
  id: number;
  model_name: string;
  kind: DeploymentKind;
  strategy: Strategy;
  from_version: number | null;
  to_version: number;
  state: DeploymentRecordState;
  steps_json: string;
  started_at: string;
  finished_at: string | null;
  actor: string;
  workflow_id: string;
  run_id: string;
  parent_workflow_id: string | null;
  reason: string | null;
  outcome_reason: string | null;
  queued_at: string | null;
}

export const toDeployment = (r: DeploymentRecord): DeploymentRow => ({
  id: r.id,
  model: r.model_name,
  kind: r.kind,
  strategy: r.strategy,
  fromVersion: r.from_version,
  toVersion: r.to_version,
  state: r.state,
  steps: JSON.parse(r.steps_json) as RolloutStep[],
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  actor: r.actor,
  workflowId: r.workflow_id,
  runId: r.run_id,
  parentWorkflowId: r.parent_workflow_id,
  reason: r.reason,
  outcomeReason: r.outcome_reason,
  queuedAt: r.queued_at,
});

export interface ReportRecord {
  id: string;
  model_name: string;
  version: number;
  window_start: string;
  window_end: string;
  rows: number;
  verdict: MonitorVerdict;
  drift_share: number;
  workflow_id: string;
  run_id: string;
  created_at: string;
  report_json: string;
  retrain_action: RetrainOutcome['action'] | null;
  retrain_kind: TriggerKind | null;
  retrain_detail: string | null;
  retrain_workflow_id: string | null;
  retrain_run_id: string | null;
  retrain_at: string | null;
}

export const toReport = (r: ReportRecord): ReportRow => ({
  id: r.id,
  modelName: r.model_name,
  version: r.version,
  windowStart: r.window_start,
  windowEnd: r.window_end,
  rows: r.rows,
  verdict: r.verdict,
  driftShare: r.drift_share,
  workflowId: r.workflow_id,
  runId: r.run_id,
  createdAt: r.created_at,
  retrain:
    r.retrain_action === null
      ? null
      : {
          action: r.retrain_action,
          detail: r.retrain_detail ?? '',
          at: r.retrain_at ?? r.created_at,
          ...(r.retrain_kind ? { kind: r.retrain_kind } : {}),
          ...(r.retrain_workflow_id ? { workflowId: r.retrain_workflow_id } : {}),
          ...(r.retrain_run_id ? { runId: r.retrain_run_id } : {}),
        },
});
