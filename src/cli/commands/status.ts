import { describeLifecycle } from '../../client';
import { workflowUiLink, type LifecycleStatus } from '../../domain';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { fixed, pct, table } from '../format';

function render(s: LifecycleStatus): string[] {
  const lines = [`model:        ${s.model}`, `stage:        ${s.stage}`, `requested by: ${s.requestedBy} (${s.trigger})${s.reason ? ` — ${s.reason}` : ''}`];
  if (s.version !== undefined) lines.push(`version:      ${s.version}`);
  if (s.dataset) lines.push(`dataset:      ${s.dataset.id.slice(0, 16)}… ${s.dataset.rowCount} rows from ${s.dataset.sourcePath}`);
  if (s.validation) lines.push(`validation:   ${s.validation.passed ? 'passed' : `failed — ${s.validation.failures.join('; ')}`}`);
  if (s.evaluation) {
    const e = s.evaluation;
    const rows: (string | number)[][] = [['candidate', pct(e.candidate.accuracy), fixed(e.candidate.macroF1), fixed(e.candidate.logLoss)]];
    if (e.champion) {
      const c = e.champion.metrics;
      rows.push([`champion v${e.champion.version}`, pct(c.accuracy), fixed(c.macroF1), fixed(c.logLoss)]);
      rows.push(['difference', pct(e.candidate.accuracy - c.accuracy), fixed(e.candidate.macroF1 - c.macroF1), fixed(e.candidate.logLoss - c.logLoss)]);
    }
    lines.push('', table(['', 'accuracy', 'macro-F1', 'log-loss'], rows), '');
    lines.push(`gate:         ${e.blessed ? 'blessed' : 'not blessed'}${e.checks.length ? ` (${e.checks.map((c) => `${c.passed ? '✓' : '✗'} ${c.detail}`).join(', ')})` : ''}`);
  }
  if (s.deadline) lines.push(`deadline:     ${s.deadline}`);
  if (s.decisions.length) {
    lines.push('decisions:');
    for (const d of s.decisions) lines.push(`  ${d.at} ${d.kind} by ${d.approver}${d.comment ? ` "${d.comment}"` : ''}${d.accepted ? '' : ` — refused: ${d.reason}`}`);
  }
  if (s.failure) lines.push(`failure:      ${s.failure}`);
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
