import type { AliasHistoryEntry } from '../history';
import type { EvaluationReport, MetricSummary } from '../lifecycle';
import type { DeploymentKind, DeploymentQueuePosition, DeploymentRecordState, RolloutStep, Strategy } from '../rollout';
import type { MonitorVerdict, ReferenceProfileSet, RetrainOutcome } from '../monitoring';

/** `failed`: its lifecycle or deployment failed for good (the reason is kept with the status). */
export type VersionStatus =
  | 'pending_approval'
  | 'not_blessed'
  | 'approved'
  | 'rejected'
  | 'deployed'
  | 'rolled_back'
  | 'failed';

/** A version's lineage: what it was trained on, how, by which code and which workflow run. */
interface VersionLineage {
  modelName: string;
  status: VersionStatus;
  datasetId: string;
  datasetPath: string;
  datasetRows: number;
  spec: unknown;
  params: unknown;
  metrics: MetricSummary;
  artifactPath: string;
  artifactSha256: string;
  codeVersion: string | null;
  workflowId: string;
  runId: string;
  requestedBy: string;
}

export interface NewVersion extends VersionLineage {
  evaluation: EvaluationReport;
}

export interface ModelVersionRow extends VersionLineage {
  version: number;
  /** Why the version has its status, when something recorded it (failed, rolled back). */
  statusReason: string | null;
  createdAt: string;
}

export interface AliasRow {
  modelName: string;
  alias: string;
  version: number;
  updatedAt: string;
}

/** One move of an alias as `aliasHistory` lists it (a superset of rollout's `AliasMove`); `toVersion` null: deleted. */
export type AliasHistoryRow = Omit<AliasHistoryEntry, 'alias' | 'runId'>;

export interface DecisionRow {
  decision: string;
  approver: string;
  comment: string | null;
  decidedAt: string;
}

/** One deployment (release or rollback) of a model, as the `deployments` table records it. */
export interface DeploymentRow {
  readonly id: number;
  readonly model: string;
  readonly kind: DeploymentKind;
  readonly strategy: Strategy;
  readonly fromVersion: number | null;
  readonly toVersion: number;
  readonly state: DeploymentRecordState;
  readonly steps: RolloutStep[];
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly actor: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly parentWorkflowId: string | null;
  readonly reason: string | null;
  readonly outcomeReason: string | null;
  /** When it entered the model's queue (null: it ran at once). */
  readonly queuedAt: string | null;
}

export interface NewDeployment {
  model: string;
  kind: DeploymentKind;
  strategy: Strategy;
  fromVersion: number | null;
  toVersion: number;
  actor: string;
  workflowId: string;
  runId: string;
  parentWorkflowId?: string;
  reason?: string;
}

/** What a deployment runs as, decided when it starts running (production may have moved while it queued). */
export interface DeploymentPlan {
  readonly fromVersion: number | null;
  readonly strategy: Strategy;
}

/**
 * Decides a deployment's plan from the model's production version at the moment it starts running (read by
 * the store in the same transaction that starts it).
 */
export type PlanDeployment = (production: number | null) => DeploymentPlan;

/** A deployment row, and where it stands in its model's queue when it does not run yet. */
export type QueueAnswer =
  | { row: DeploymentRow; waitingFor: null }
  | { row: DeploymentRow; waitingFor: DeploymentQueuePosition };

export interface StoredProfile {
  readonly id: string;
  readonly modelName: string;
  readonly version: number;
  readonly datasetId: string;
  readonly rows: number;
  readonly profiles: ReferenceProfileSet;
  readonly createdAt: string;
}

export interface ReportRow {
  readonly id: string;
  readonly modelName: string;
  readonly version: number;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly rows: number;
  readonly verdict: MonitorVerdict;
  readonly driftShare: number;
  readonly workflowId: string;
  readonly runId: string;
  readonly createdAt: string;
  readonly retrain: RetrainOutcome | null;
}

/** One tag of a version. */
export interface VersionTag {
  readonly modelName: string;
  readonly version: number;
  readonly key: string;
  readonly value: string;
  readonly updatedAt: string;
}

/** One change of a tag; `to` null is a deletion, `from` null a new tag. */
export interface TagChange {
  readonly modelName: string;
  readonly version: number;
  readonly key: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly changedAt: string;
  readonly actor: string;
}

export interface AuditFilter {
  readonly model?: string;
  readonly workflowId?: string;
  readonly runId?: string;
}

/** What an append did: rows added, and events of the batch that were stored already (a retry's repeats). */
export interface AuditAppendResult {
  readonly inserted: number;
  readonly alreadyStored: number;
}
