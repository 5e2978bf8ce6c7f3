import type { MonitorSummary, RetrainOutcome } from '../domain';

const fixed = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '–' : v.toFixed(digits));

/** Markdown for a monitor run's "current details" in the Temporal UI: the report at a glance. */
export function renderMonitorDetails(s: MonitorSummary, retrain: RetrainOutcome | null): string {
  const lines = [
    `**${s.model}** v${s.version} — verdict **${s.verdict}**`,
    `window ${s.window.start} – ${s.window.end}: ${s.rows} predictions; report \`${s.reportId}\``,
  ];
  if (s.drift.judged) lines.push(`drift share **${fixed(s.drift.share, 2)}** (threshold ${s.drift.shareThreshold})${s.drift.drifted.length ? `: ${s.drift.drifted.join(', ')}` : ''}`);
  else lines.push(`drift not judged: ${s.drift.reason}`);
  if (s.drift.features.length) {
    lines.push('', '| feature | test | score | threshold | drift |', '|---|---|---|---|---|');
    for (const f of s.drift.features) lines.push(`| ${f.feature} | ${f.method ?? '–'} | ${fixed(f.score)} | ${fixed(f.threshold)} | ${f.reason ? `not judged: ${f.reason}` : f.drifted ? '**yes**' : 'no'} |`);
  }
  const p = s.performance;
  if (p) {
    lines.push('');
    lines.push(p.judged ? `${p.metric}: realized **${fixed(p.realized)}** on ${p.labelledRows} labelled predictions vs ${fixed(p.expected)} evaluated (drop ${fixed(p.drop)}, allowed ${p.maxDrop})${p.degraded ? ' — **degraded**' : ''}` : `performance not judged: ${p.reason}`);
  }
  if (s.problems.length) lines.push('', 'problems:', ...s.problems.map((x) => `- ${x}`));
  if (retrain) lines.push('', `retrain: **${retrain.action}** — ${retrain.detail}${retrain.workflowId ? ` (\`${retrain.workflowId}\`)` : ''}`);
  return lines.join('\n');
}
