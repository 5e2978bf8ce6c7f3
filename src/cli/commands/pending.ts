import { listPendingApprovals } from '../../client';
import { metricValue, workflowUiLink, type MetricSummary } from '../../domain';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { humanDuration, renderApproval, renderComparison, renderEvidence, votesLine } from '../approval-format';
import { table } from '../format';

/** Accuracy change in points, or for regression models the RMSE change (lower is better). */
function changeText(candidate: MetricSummary, champion: MetricSummary): string {
  const rmse = [metricValue(candidate, 'rmse'), metricValue(champion, 'rmse')];
  const accuracy = [metricValue(candidate, 'accuracy'), metricValue(champion, 'accuracy')];
  const [a, b] = rmse[0] !== undefined ? rmse : accuracy;
  if (a === undefined || b === undefined) return 'different kinds';
  const sign = a - b >= 0 ? '+' : '';
  return rmse[0] !== undefined ? `RMSE ${sign}${(a - b).toFixed(4)}` : `${sign}${((a - b) * 100).toFixed(1)} pt`;
}

export const pendingCommand: Command = {
  name: 'pending',
  summary: 'the approval inbox: runs awaiting a decision, with votes, deadline and evidence (add --details)',
  usage: 'mlops pending [--details] [--json]',
  async run(argv, ctx) {
    const { values } = parseCommandArgs(argv, { details: { type: 'boolean' } }, []);
    const pending = await listPendingApprovals(await ctx.client(), ctx.config);
    if (values['json']) {
      ctx.json(pending.map((p) => ({ ...p, ui: workflowUiLink(ctx.config, p.workflowId, p.runId) })));
      return 0;
    }
    if (!pending.length) {
      ctx.out('nothing awaits approval');
      return 0;
    }
    const now = Date.now();
    ctx.out(
      table(
        ['workflow', 'model', 'version', 'requested by', 'waiting', 'deadline', 'votes', 'accuracy Δ'],
        pending.map((p) => {
          const e = p.evaluation;
          const delta = e?.champion ? changeText(e.candidate, e.champion.metrics) : 'no champion';
          const deadline = p.approval?.deadline ? (Date.parse(p.approval.deadline) > now ? `in ${humanDuration(Date.parse(p.approval.deadline) - now)}` : 'passed') : 'none';
          return [p.workflowId, p.model, p.version, p.requestedBy, p.approval ? humanDuration(now - Date.parse(p.approval.openedAt)) : '', deadline, p.approval ? votesLine(p.approval) : '', delta];
        }),
      ),
    );
    if (values['details']) {
      for (const p of pending) {
        ctx.out(`\n${p.workflowId} — ${p.model} v${p.version ?? '?'}, requested by ${p.requestedBy}${p.reason ? `: ${p.reason}` : ''}`);
        if (p.evidence) ctx.out(renderEvidence(p.evidence).join('\n'));
        else if (p.reportId) ctx.out(`triggered by monitor report ${p.reportId}`);
        if (p.dataset) ctx.out(`dataset snapshot ${p.dataset.id.slice(0, 16)}…, ${p.dataset.rowCount} rows`);
        if (p.evaluation) ctx.out(`${renderComparison(p.evaluation)}\nmachine gate: ${p.evaluation.checks.map((c) => `${c.passed ? '✓' : '✗'} ${c.detail}`).join(', ') || 'no thresholds'}`);
        if (p.approval) ctx.out(renderApproval(p.approval, now).join('\n'));
        ctx.out(`web UI: ${workflowUiLink(ctx.config, p.workflowId, p.runId)}`);
      }
    } else {
      ctx.out('\ndecide with: mlops approve|reject <workflow> --as <name> [--key <private key>]   (evidence: mlops pending --details)');
    }
    return 0;
  },
};
