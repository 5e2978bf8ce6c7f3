import type { LifecycleStatus } from '../domain';
import { describeAuditTrailHealth } from '../domain/governance/audit';
import { metricComparison } from '../domain/metric-table';
import { describeQueuePosition } from '../domain/rollout/deployment';
import { renderEvidenceMarkdown } from './evidence-details';

const num = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(4));

/** Markdown for the Temporal UI's "current details": what an approver needs at a glance. */
export function renderDetails(s: LifecycleStatus): string {
  const lines = [`**${s.model}** — stage **${s.stage}**${s.version !== undefined ? `, version **${s.version}**` : ''}`];
  lines.push(`requested by ${s.requestedBy} (${s.trigger})${s.reason ? `: ${s.reason}` : ''}`);
  if (s.evidence) lines.push('', ...renderEvidenceMarkdown(s.evidence), '');
  else if (s.reportId) lines.push(`triggered by monitor report \`${s.reportId}\``);
  if (s.dataset) lines.push(`dataset snapshot \`${s.dataset.id.slice(0, 12)}\` — ${s.dataset.rowCount} rows`);
  if (s.validation) lines.push(`validation: ${s.validation.passed ? 'passed' : `FAILED (${s.validation.failures.length})`}`);
  if (s.training?.taskQueue) {
    const waiting = s.stage === 'training' ? ' — waits there until a training worker polls that queue' : '';
    lines.push(`trainer \`${s.training.trainer}\` on task queue \`${s.training.taskQueue}\`${waiting}`);
  }
  const trials = s.training?.search;
  if (trials) lines.push(`hyper-parameter search: ${trials.done}/${trials.total} trials done`);
  const picked = s.candidate?.search;
  if (picked) {
    const best = picked.trials.find((t) => t.index === picked.best);
    lines.push(`best trial ${picked.best + 1}: ${picked.metric} ${num(best?.value ?? undefined)} on validation rows`);
  }
  if (s.evaluation) {
    const { headers, rows } = metricComparison(s.evaluation);
    const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
    const head = [line(headers.map((h, i) => (i === 0 ? 'model' : h))), line(headers.map(() => '---'))];
    lines.push('', ...head, ...rows.map(line));
    const failed = s.evaluation.checks.filter((c) => !c.passed);
    lines.push('', `machine gate: ${s.evaluation.blessed ? 'blessed' : `NOT blessed — ${failed.map((c) => c.detail).join('; ')}`}`);
  }
  if (s.approval) {
    const a = s.approval;
    const votes = a.stages.map((st) => `${st.name} ${st.approvals.length}/${st.quorum}${st.approvals.length ? ` (${st.approvals.map((v) => v.approver).join(', ')})` : ''}`).join(' → ');
    lines.push(`approval: **${a.phase}** — ${votes}${a.fourEyes ? ', four-eyes' : ''}${a.requireSignature ? ', signed decisions' : ''}`);
    if (a.deadline) lines.push(`deadline ${a.deadline}, then ${a.onTimeout}${a.escalatedAt ? ` (escalated ${a.escalatedAt})` : ''}`);
  }
  const last = s.decisions[s.decisions.length - 1];
  if (last) lines.push(`last decision: ${last.kind} by ${last.approver}${last.accepted ? '' : ` (refused: ${last.reason})`}`);
  if (s.stage === 'queued' && s.waitingFor) {
    lines.push(`approved, queued: ${describeQueuePosition(s.model, s.waitingFor)}`);
  }
  if (s.failure) lines.push(`**${s.failure}**`);
  if (s.auditTrail) {
    const text = `audit trail: ${describeAuditTrailHealth(s.auditTrail)}`;
    lines.push(s.auditTrail.state === 'recovered' ? text : `**${text}**`);
  }
  return lines.join('\n');
}
