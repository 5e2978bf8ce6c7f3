import type { LifecycleStatus, MetricSummary } from '../domain';

const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(1)} %`);
const num = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(4));

function metricRow(name: string, m: MetricSummary | undefined): string {
  return `| ${name} | ${pct(m?.accuracy)} | ${num(m?.macroF1)} | ${num(m?.logLoss)} |`;
}

/** Markdown for the Temporal UI's "current details": what an approver needs at a glance. */
export function renderDetails(s: LifecycleStatus): string {
  const lines = [`**${s.model}** — stage **${s.stage}**${s.version !== undefined ? `, version **${s.version}**` : ''}`];
  lines.push(`requested by ${s.requestedBy} (${s.trigger})${s.reason ? `: ${s.reason}` : ''}`);
  if (s.reportId) lines.push(`triggered by monitor report \`${s.reportId}\``);
  if (s.dataset) lines.push(`dataset snapshot \`${s.dataset.id.slice(0, 12)}\` — ${s.dataset.rowCount} rows`);
  if (s.validation) lines.push(`validation: ${s.validation.passed ? 'passed' : `FAILED (${s.validation.failures.length})`}`);
  if (s.evaluation) {
    lines.push('', '| model | accuracy | macro-F1 | log-loss |', '|---|---|---|---|', metricRow('candidate', s.evaluation.candidate));
    if (s.evaluation.champion) lines.push(metricRow(`champion v${s.evaluation.champion.version}`, s.evaluation.champion.metrics));
    lines.push('', `gate: ${s.evaluation.blessed ? 'blessed' : 'NOT blessed'}`);
  }
  if (s.deadline) lines.push(`approval deadline: ${s.deadline}`);
  const last = s.decisions[s.decisions.length - 1];
  if (last) lines.push(`last decision: ${last.kind} by ${last.approver}${last.accepted ? '' : ` (refused: ${last.reason})`}`);
  if (s.failure) lines.push(`**${s.failure}**`);
  return lines.join('\n');
}
