import { describeLifecycle } from '../../client';
import { describeAuditTrailHealth, workflowUiLink, type LifecycleStatus } from '../../domain';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { renderApproval, renderComparison, renderEvidence } from '../approval-format';

function render(s: LifecycleStatus): string[] {
  const lines = [`model:        ${s.model}`, `stage:        ${s.stage}`, `requested by: ${s.requestedBy} (${s.trigger})${s.reason ? ` — ${s.reason}` : ''}`];
  if (s.version !== undefined) lines.push(`version:      ${s.version}`);
  if (s.evidence) lines.push(...renderEvidence(s.evidence));
  else if (s.reportId) lines.push(`report:       ${s.reportId}`);
  if (s.dataset) lines.push(`dataset:      ${s.dataset.id.slice(0, 16)}… ${s.dataset.rowCount} rows from ${s.dataset.sourcePath}`);
  if (s.validation) lines.push(`validation:   ${s.validation.passed ? 'passed' : `failed — ${s.validation.failures.join('; ')}`}`);
  if (s.training) lines.push(`trainer:      ${s.training.trainer}${s.training.taskQueue ? ` (task queue ${s.training.taskQueue})` : ''}`);
  if (s.evaluation) {
    const e = s.evaluation;
    lines.push('', renderComparison(e), '');
    lines.push(`gate:         ${e.blessed ? 'blessed' : 'not blessed'}${e.checks.length ? ` (${e.checks.map((c) => `${c.passed ? '✓' : '✗'} ${c.detail}`).join(', ')})` : ''}`);
  }
  if (s.approval) lines.push(...renderApproval(s.approval));
  if (s.decisions.length) {
    lines.push('decisions:');
    for (const d of s.decisions) {
      const how = [d.via, d.signed ? 'signed' : '', d.stage ? `stage ${d.stage}` : ''].filter(Boolean).join(', ');
      lines.push(`  ${d.at} ${d.kind} by ${d.approver}${how ? ` [${how}]` : ''}${d.comment ? ` "${d.comment}"` : ''}${d.accepted ? '' : ` — refused (${d.code ?? 'refused'}): ${d.reason}`}`);
    }
  }
  if (s.failure) lines.push(`failure:      ${s.failure}`);
  if (s.auditTrail) lines.push(`audit trail:  ${describeAuditTrailHealth(s.auditTrail)}`);
  return lines;
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'show the stage, metrics and decisions of a lifecycle run',
  usage: 'mlops status <workflowId> [--json]',
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs(argv, {}, ['workflowId']);
    const view = await describeLifecycle(await ctx.client(), positionals[0] as string);
    const ui = workflowUiLink(ctx.config, view.workflowId, view.runId);
    if (values['json']) {
      ctx.json({ ...view, ui });
      return 0;
    }
    ctx.out(`workflow:     ${view.workflowId} (${view.execution})\nweb UI:       ${ui}`);
    if (view.status) ctx.out(render(view.status).join('\n'));
    if (view.result) ctx.out(`outcome:      ${view.result.outcome}${view.result.version !== undefined ? ` (version ${view.result.version})` : ''}`);
    if (view.failure) ctx.out(`failed:       ${view.failure}`);
    return view.execution === 'FAILED' || view.execution === 'TERMINATED' || view.execution === 'TIMED_OUT' ? 1 : 0;
  },
};
