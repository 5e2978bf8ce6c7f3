import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  log,
  patched,
  setCurrentDetails,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { LifecycleInput, MonitorInput, MonitorResult, MonitorSummary, RetrainOutcome, TriggerKind } from '../domain';
import { FailureType } from '../domain/failure-types';
import { retrainEvidenceOf } from '../domain/monitoring/evidence';
import { monitorInputSchema, retrainWorkflowId } from '../domain/monitoring/monitor-contract';
import { decideRetrain } from '../domain/monitoring/retrain-decision';
import { modelLifecycleWorkflow } from './model-lifecycle';
import { activities, dataStepOptions, registryStepOptions } from './activity-options';
import { driftShareAttribute, modelAttribute, scheduledStartTimeAttribute, stageAttribute, triggerAttribute, verdictAttribute, versionAttribute } from './search-attributes';
import { renderMonitorDetails } from './monitor-details';
import { describeFailure, FAILURE_PATH_PATCH } from './failure-path';
import { upsertRunMemo } from './run-memo';

/**
 * Starts the retraining lifecycle as a child with the model's one retrain id. ABANDON lets it outlive this
 * short monitor run (it waits for a human); awaiting the start makes sure it exists before we return. A
 * retrain already running under that id is Temporal's refusal, reported as such.
 */
async function startRetrain(summary: MonitorSummary, kind: TriggerKind, reason: string, windowEnd: string): Promise<{ outcome: RetrainOutcome; failure?: ApplicationFailure }> {
  const at = new Date().toISOString();
  const workflowId = retrainWorkflowId(summary.model);
  let prepared;
  try {
    prepared = await activities(dataStepOptions, `retrain data: base + labelled traffic before ${windowEnd}`).prepareRetrainSpec({
      model: summary.model,
      version: summary.version,
      reportId: summary.reportId,
      windowEnd,
    });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const detail = `the retrain data could not be prepared: ${err.cause?.message ?? err.message}`;
    const type = err.cause instanceof ApplicationFailure && err.cause.type ? err.cause.type : FailureType.DatasetUnreadable;
    return { outcome: { action: 'failed', kind, detail, at }, failure: ApplicationFailure.create({ type, message: detail, nonRetryable: true }) };
  }
  const input: LifecycleInput = {
    spec: prepared.spec,
    requestedBy: `monitor:${workflowInfo().workflowId}`,
    trigger: kind,
    reason: `${reason}; retrain data ${prepared.baseRows} base + ${prepared.labelledRows} labelled rows`,
    reportId: summary.reportId,
    specSource: prepared.datasetPath,
    // The report's evidence travels in the input (a workflow cannot read the registry); only the payload
    // changes, not the commands, so runs recorded before it replay unchanged.
    evidence: retrainEvidenceOf(summary),
  };
  try {
    const child = await startChild(modelLifecycleWorkflow, {
      workflowId,
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: modelAttribute, value: summary.model },
        { key: stageAttribute, value: 'starting' },
        { key: triggerAttribute, value: kind },
      ],
      staticSummary: `${summary.model}: retrain on ${kind} (report ${summary.reportId})`,
      staticDetails: reason,
    });
    log.info('retrain started', { model: summary.model, workflowId, runId: child.firstExecutionRunId });
    return { outcome: { action: 'started', kind, detail: reason, workflowId, runId: child.firstExecutionRunId, at } };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { outcome: { action: 'already-running', kind, detail: `a retrain is already running (${workflowId}); this finding started nothing new: ${reason}`, workflowId, at } };
  }
}

/**
 * One monitoring pass over a deployed model, started by its Schedule (overlap SKIP): judge the window
 * that ends at the action time, store the report, show it in the UI, and start a retraining child when
 * drift or degradation crosses the spec's thresholds (unless disabled, backfilled or cooling down).
 */
export async function modelMonitorWorkflow(rawInput: MonitorInput): Promise<MonitorResult> {
  try {
    return await runMonitor(rawInput);
  } catch (err) {
    // A failed run says so where people look: MlopsStage `failed` and the reason in its current details.
    if (patched(FAILURE_PATH_PATCH)) {
      const named = (rawInput as { model?: unknown } | null)?.model;
      const model = typeof named === 'string' ? named : '(invalid input)';
      upsertSearchAttributes([{ key: stageAttribute, value: 'failed' }]);
      setCurrentDetails(`**${model}** — monitor run **failed**: ${describeFailure(err)}`);
    }
    throw err;
  }
}

async function runMonitor(rawInput: MonitorInput): Promise<MonitorResult> {
  const parsed = monitorInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
    throw ApplicationFailure.create({ type: FailureType.SpecInvalid, message: `invalid monitor input: ${problems.join('; ')}`, nonRetryable: true });
  }
  const { model, settleMs } = parsed.data;
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(scheduledStartTimeAttribute);
  const windowEnd = parsed.data.windowEnd ? new Date(parsed.data.windowEnd).toISOString() : (scheduledAt ?? info.runStartTime).toISOString();
  upsertSearchAttributes([
    { key: modelAttribute, value: model },
    { key: triggerAttribute, value: scheduledAt ? 'schedule' : 'manual' },
  ]);
  upsertRunMemo({ kind: 'monitor', model, requestedBy: scheduledAt ? 'system:schedule' : 'manual' });
  setCurrentDetails(`**${model}** — monitoring the window ending ${windowEnd}`);

  const wait = Date.parse(windowEnd) + settleMs - Date.now();
  if (wait > 0) await sleep(wait, { summary: 'let model servers flush predictions made before the window end' });

  const summary = await activities(dataStepOptions, `drift and performance report, window ending ${windowEnd}`).computeMonitorReport({ model, windowEnd });
  upsertSearchAttributes([
    { key: versionAttribute, value: summary.version },
    { key: verdictAttribute, value: summary.verdict },
    { key: driftShareAttribute, value: summary.drift.share },
  ]);
  upsertRunMemo({ version: summary.version, specSource: `monitoring settings of ${model} v${summary.version} (registry)` });
  setCurrentDetails(renderMonitorDetails(summary, null));
  log.info('monitor report', { model, report: summary.reportId, verdict: summary.verdict, share: summary.drift.share });

  const decision = decideRetrain(summary, Date.now(), info.runStartTime.getTime());
  const { outcome: retrain, failure } =
    decision.action === 'retrain'
      ? await startRetrain(summary, decision.kind, decision.reason, summary.window.end)
      : { outcome: { action: decision.action, detail: decision.detail, at: new Date().toISOString() } satisfies RetrainOutcome, failure: undefined };
  await activities(registryStepOptions, `record the outcome: ${retrain.action}`).recordRetrainOutcome({ reportId: summary.reportId, outcome: retrain });
  setCurrentDetails(renderMonitorDetails(summary, retrain));
  // The report and the outcome are stored; the run still fails, so the problem shows in the UI and in alerts.
  if (failure) throw failure;
  return { model, reportId: summary.reportId, verdict: summary.verdict, window: summary.window, retrain };
}
