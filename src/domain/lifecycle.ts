import { z } from 'zod';
import { modelSpecSchema, type Thresholds } from './spec';
import type { DatasetSnapshot, ValidationReport } from './dataset';
import type { ClassificationMetrics } from './ml/types';
import type { DeploymentResult } from './rollout/deployment';

/** Public contract of the lifecycle workflow: input, decision payloads, status and result. */

export const LIFECYCLE_WORKFLOW_TYPE = 'modelLifecycleWorkflow';

export const triggerKinds = ['manual', 'schedule', 'drift', 'performance'] as const;
export type TriggerKind = (typeof triggerKinds)[number];

export const lifecycleInputSchema = z
  .object({
    /** The model spec, inline (the CLI reads and validates the file; any client may send it). */
    spec: z.unknown(),
    requestedBy: z.string().min(1).max(200),
    reason: z.string().max(2000).optional(),
    trigger: z.enum(triggerKinds).default('manual'),
    /** Where the spec came from, for lineage (a path or URL); informational. */
    specSource: z.string().max(1000).optional(),
  })
  .strict();

export type LifecycleInput = z.input<typeof lifecycleInputSchema>;

export const decisionSchema = z
  .object({
    approver: z.string().trim().min(1, 'approver is required').max(200),
    comment: z.string().max(2000).optional(),
  })
  .strict();

export type Decision = z.infer<typeof decisionSchema>;

export const stages = [
  'starting',
  'ingesting',
  'validating',
  'training',
  'evaluating',
  'registering',
  'awaiting-approval',
  'deploying',
  'deployed',
  'rolled-back',
  'rejected',
  'not-blessed',
  'failed',
] as const;
export type Stage = (typeof stages)[number];

export type MetricSummary = Pick<ClassificationMetrics, 'accuracy' | 'macroF1' | 'logLoss' | 'auc' | 'rows'>;

export interface RecordedDecision {
  readonly kind: 'approve' | 'reject';
  readonly approver: string;
  readonly comment?: string;
  readonly at: string;
  readonly accepted: boolean;
  readonly reason?: string;
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
}

export interface LifecycleStatus {
  readonly model: string;
  readonly stage: Stage;
  readonly requestedBy: string;
  readonly reason?: string;
  readonly trigger: TriggerKind;
  readonly dataset?: DatasetSnapshot;
  readonly validation?: ValidationReport;
  readonly candidate?: CandidateRef;
  readonly version?: number;
  readonly evaluation?: EvaluationReport;
  readonly decisions: RecordedDecision[];
  readonly deadline?: string;
  readonly failure?: string;
}

/** `rolled-back`: approved, but the rollout withdrew the candidate (a guard tripped, shadow disagreed, aborted). */
export type LifecycleOutcome = 'deployed' | 'rolled-back' | 'rejected' | 'not-blessed';

export interface LifecycleResult {
  readonly outcome: LifecycleOutcome;
  readonly model: string;
  readonly version?: number;
  readonly decision?: RecordedDecision;
  readonly evaluation?: EvaluationReport;
  readonly deployment?: DeploymentResult;
}

export function summarizeMetrics(m: ClassificationMetrics): MetricSummary {
  return { accuracy: m.accuracy, macroF1: m.macroF1, logLoss: m.logLoss, rows: m.rows, ...(m.auc !== undefined ? { auc: m.auc } : {}) };
}

/** The machine gate ("blessing"): absolute thresholds, then change versus the champion on the same split. */
export function gateChecks(candidate: MetricSummary, champion: MetricSummary | null, t: Thresholds): GateCheck[] {
  const checks: GateCheck[] = [];
  const fmt = (v: number) => v.toFixed(4);
  if (t.minAccuracy !== undefined)
    checks.push({ name: 'min-accuracy', passed: candidate.accuracy >= t.minAccuracy, detail: `accuracy ${fmt(candidate.accuracy)} ≥ ${t.minAccuracy}` });
  if (t.minMacroF1 !== undefined)
    checks.push({ name: 'min-macro-f1', passed: candidate.macroF1 >= t.minMacroF1, detail: `macro-F1 ${fmt(candidate.macroF1)} ≥ ${t.minMacroF1}` });
  if (t.maxLogLoss !== undefined)
    checks.push({ name: 'max-log-loss', passed: candidate.logLoss <= t.maxLogLoss, detail: `log-loss ${fmt(candidate.logLoss)} ≤ ${t.maxLogLoss}` });
  if (t.maxAccuracyDropVsChampion !== undefined && champion) {
    const drop = champion.accuracy - candidate.accuracy;
    checks.push({
      name: 'accuracy-vs-champion',
      passed: drop <= t.maxAccuracyDropVsChampion,
      detail: `accuracy change ${fmt(-drop)} vs champion (allowed drop ${t.maxAccuracyDropVsChampion})`,
    });
  }
  return checks;
}

export { modelSpecSchema };
