import { z } from 'zod';
import { modelSpecSchema, type Thresholds } from './spec';
import type { DatasetSnapshot, ValidationReport } from './dataset';
import type { ClassificationMetrics } from './ml/types';
import type { RegressionMetrics } from './ml/regression-metrics';
import { regressionGateChecks } from './regression-gate';
import type { SearchSummary } from './hyper-search';
import type { ApprovalView, AuditTrailHealth, DecisionChannel, RefusalCode } from './governance';
import type { DeploymentQueuePosition, DeploymentResult } from './rollout/deployment';
import { retrainEvidenceSchema, type RetrainEvidence } from './monitoring/evidence';

/** Public contract of the lifecycle workflow: input, decision payloads, status and result. */

export const LIFECYCLE_WORKFLOW_TYPE = 'modelLifecycleWorkflow';

export const triggerKinds = ['manual', 'schedule', 'drift', 'performance'] as const;
export type TriggerKind = (typeof triggerKinds)[number];

export const lifecycleInputSchema = z
  .object({
    /**
     * The model spec, inline and fully resolved (every default applied by the client that starts the run:
     * `startLifecycle`, the CLI); the workflow re-parses it, which leaves a resolved spec unchanged.
     */
    spec: z.unknown(),
    requestedBy: z.string().min(1).max(200),
    reason: z.string().max(2000).optional(),
    trigger: z.enum(triggerKinds).default('manual'),
    /** Where the spec came from, for lineage (a path or URL); informational. */
    specSource: z.string().max(1000).optional(),
    /** The monitor report that triggered this run (drift or performance retrains). */
    reportId: z.string().max(200).optional(),
    /** The report's drift table and realized vs evaluated performance, shown to approvers (retrains). */
    evidence: retrainEvidenceSchema.optional(),
    /** Task queue of external trainers (MLOPS_TRAINING_TASK_QUEUE, set by the client); default `mlops-training`. */
    trainingTaskQueue: z.string().min(1).max(200).optional(),
  })
  .strict();

export type LifecycleInput = z.input<typeof lifecycleInputSchema>;

export const stages = [
  'starting',
  'ingesting',
  'validating',
  'training',
  'evaluating',
  'registering',
  'awaiting-approval',
  'queued',
  'deploying',
  'deployed',
  'rolled-back',
  'rejected',
  'not-blessed',
  'failed',
] as const;
export type Stage = (typeof stages)[number];

export type ClassificationSummary = Pick<ClassificationMetrics, 'accuracy' | 'macroF1' | 'logLoss' | 'auc' | 'rows'>;
/** A regression model's held-out (or realized) figures: RMSE, MAE, R². */
export type RegressionSummary = RegressionMetrics;
export type MetricSummary = ClassificationSummary | RegressionSummary;

export const isRegressionSummary = (m: MetricSummary): m is RegressionSummary => 'rmse' in m;

export interface RecordedDecision {
  readonly kind: 'approve' | 'reject';
  readonly approver: string;
  readonly comment?: string;
  readonly at: string;
  readonly accepted: boolean;
  readonly reason?: string;
  /** Stable refusal code (see governance/decision.ts) when refused. */
  readonly code?: RefusalCode;
  /** The approval stage the decision counted for. */
  readonly stage?: string;
  readonly via?: DecisionChannel;
  /** True when an Ed25519 signature by the approver's registered key verified. */
  readonly signed?: boolean;
  readonly updateId?: string;
}

export interface GateCheck {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface EvaluationReport {
  readonly candidate: MetricSummary;
  readonly champion: { readonly version: number; readonly metrics: MetricSummary } | null;
  readonly checks: GateCheck[];
  readonly blessed: boolean;
  readonly testRows: number;
}

export interface CandidateRef {
  readonly artifactPath: string;
  readonly artifactSha256: string;
  readonly trainRows: number;
  readonly testRows: number;
  readonly epochs: number;
  readonly finalLoss: number;
  /** Artifact format: absent for the built-in JSON model, `temporal-mlops/onnx@1` from external trainers. */
  readonly format?: string;
  /** Which trainer produced it, e.g. `sklearn.linear_model.LogisticRegression` (external trainers). */
  readonly trainer?: string;
  /** Environment fingerprint of the training worker (runtime, library versions, requirements hash). */
  readonly environment?: Record<string, unknown>;
  /** `training.search`: every trial's params and validation metric, and the pick the candidate was trained with. */
  readonly search?: SearchSummary;
}

export interface LifecycleStatus {
  readonly model: string;
  readonly stage: Stage;
  readonly requestedBy: string;
  readonly reason?: string;
  readonly trigger: TriggerKind;
  readonly reportId?: string;
  /** Drift/performance retrains: what the monitor report found (see `retrainEvidenceSchema`). */
  readonly evidence?: RetrainEvidence;
  readonly dataset?: DatasetSnapshot;
  readonly validation?: ValidationReport;
  /** Who trains: the trainer, and for external ones the task queue whose worker must pick the work up. */
  readonly training?: {
    readonly trainer: string;
    readonly taskQueue?: string;
    /** `training.search`: trials finished of the planned total. */
    readonly search?: { readonly done: number; readonly total: number };
  };
  readonly candidate?: CandidateRef;
  readonly version?: number;
  readonly evaluation?: EvaluationReport;
  readonly decisions: RecordedDecision[];
  readonly approval?: ApprovalView;
  readonly deadline?: string;
  /** Why the run did not deploy (failed, not blessed, rolled back); for `failed`, the stage it failed in too. */
  readonly failure?: string;
  /** Stage `queued`: the deployment of the same model the approved version waits for. */
  readonly waitingFor?: DeploymentQueuePosition;
  /** Present once an audit append failed: failing (retried, blocks completion), recovered, or conflict. */
  readonly auditTrail?: AuditTrailHealth;
}

/** `rolled-back`: approved, but the rollout withdrew the candidate (a guard tripped, shadow disagreed, aborted). */
export type LifecycleOutcome = 'deployed' | 'rolled-back' | 'rejected' | 'not-blessed';

export interface LifecycleResult {
  readonly outcome: LifecycleOutcome;
  readonly model: string;
  readonly version?: number;
  /** The decision that closed the gate (the last approval, a reject, or the deadline). */
  readonly decision?: RecordedDecision;
  /** Everyone whose approval counted, in order. */
  readonly approvers?: string[];
  readonly evaluation?: EvaluationReport;
  readonly deployment?: DeploymentResult;
}

/** The classification figures of a summary; a regression summary here is a caller's mistake. */
export function classificationSummary(m: MetricSummary): ClassificationSummary {
  if (isRegressionSummary(m)) throw new Error('a regression model has no accuracy, macro-F1 or log-loss');
  return m;
}

export function summarizeMetrics(m: ClassificationMetrics): ClassificationSummary {
  return { accuracy: m.accuracy, macroF1: m.macroF1, logLoss: m.logLoss, rows: m.rows, ...(m.auc !== undefined ? { auc: m.auc } : {}) };
}

/**
 * The machine gate ("blessing"): absolute thresholds, then change versus the champion on the same split.
 * A champion of the other kind (classifier vs regression) cannot be compared: those checks are skipped.
 */
export function gateChecks(candidate: MetricSummary, champion: MetricSummary | null, t: Thresholds): GateCheck[] {
  const sameKind = champion && isRegressionSummary(champion) === isRegressionSummary(candidate) ? champion : null;
  if (isRegressionSummary(candidate)) return regressionGateChecks(candidate, sameKind as RegressionSummary | null, t);
  return classificationGateChecks(candidate, sameKind as ClassificationSummary | null, t);
}

function classificationGateChecks(
  candidate: ClassificationSummary,
  champion: ClassificationSummary | null,
  t: Thresholds,
): GateCheck[] {
  const checks: GateCheck[] = [];
  const fmt = (v: number) => v.toFixed(4);
  const signed = (v: number) => `${v >= 0 ? '+' : ''}${fmt(v)}`;
  if (t.minAccuracy !== undefined)
    checks.push({ name: 'min-accuracy', passed: candidate.accuracy >= t.minAccuracy, detail: `accuracy ${fmt(candidate.accuracy)} ≥ ${t.minAccuracy}` });
  if (t.minMacroF1 !== undefined)
    checks.push({ name: 'min-macro-f1', passed: candidate.macroF1 >= t.minMacroF1, detail: `macro-F1 ${fmt(candidate.macroF1)} ≥ ${t.minMacroF1}` });
  if (t.maxLogLoss !== undefined)
    checks.push({ name: 'max-log-loss', passed: candidate.logLoss <= t.maxLogLoss, detail: `log-loss ${fmt(candidate.logLoss)} ≤ ${t.maxLogLoss}` });
  if (t.minAuc !== undefined)
    checks.push(
      candidate.auc === undefined
        ? { name: 'min-auc', passed: false, detail: `AUC ≥ ${t.minAuc} asked, but AUC is only defined for two classes` }
        : { name: 'min-auc', passed: candidate.auc >= t.minAuc, detail: `AUC ${fmt(candidate.auc)} ≥ ${t.minAuc}` },
    );
  const changeThresholds = [t.maxAccuracyDropVsChampion, t.maxMacroF1DropVsChampion, t.maxLogLossRiseVsChampion].filter((v) => v !== undefined);
  if (!champion) {
    if (changeThresholds.length) checks.push({ name: 'vs-champion', passed: true, detail: 'no champion to compare with: change-vs-champion checks skipped' });
    return checks;
  }
  if (t.maxAccuracyDropVsChampion !== undefined) {
    const change = candidate.accuracy - champion.accuracy;
    checks.push({ name: 'accuracy-vs-champion', passed: -change <= t.maxAccuracyDropVsChampion, detail: `accuracy change ${signed(change)} vs champion (allowed drop ${t.maxAccuracyDropVsChampion})` });
  }
  if (t.maxMacroF1DropVsChampion !== undefined) {
    const change = candidate.macroF1 - champion.macroF1;
    checks.push({ name: 'macro-f1-vs-champion', passed: -change <= t.maxMacroF1DropVsChampion, detail: `macro-F1 change ${signed(change)} vs champion (allowed drop ${t.maxMacroF1DropVsChampion})` });
  }
  if (t.maxLogLossRiseVsChampion !== undefined) {
    const change = candidate.logLoss - champion.logLoss;
    checks.push({ name: 'log-loss-vs-champion', passed: change <= t.maxLogLossRiseVsChampion, detail: `log-loss change ${signed(change)} vs champion (allowed rise ${t.maxLogLossRiseVsChampion})` });
  }
  return checks;
}

export { modelSpecSchema };
