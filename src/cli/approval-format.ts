import { describeEvidencePerformance, metricComparison, type ApprovalView, type EvaluationReport, type RetrainEvidence } from '../domain';
import { fixed, table } from './format';

/** "3d 4h", "12m", "40s": how long ago or how far ahead, for people. */
export function humanDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const units: [number, string][] = [[86_400, 'd'], [3_600, 'h'], [60, 'm'], [1, 's']];
  const parts: string[] = [];
  let rest = s;
  for (const [size, unit] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join(' ') || '0s';
}

/** Votes per stage, e.g. "ml-review 1/2 (alice) → risk 0/1". */
export function votesLine(view: ApprovalView): string {
  return view.stages.map((s) => `${s.name} ${s.approvals.length}/${s.quorum}${s.approvals.length ? ` (${s.approvals.map((v) => v.approver).join(', ')})` : ''}`).join(' → ');
}

export function renderApproval(view: ApprovalView, now = Date.now()): string[] {
  const rules = [view.fourEyes ? 'four-eyes' : '', view.requireSignature ? 'signed decisions' : ''].filter(Boolean).join(', ');
  const lines = [`approval:     ${view.phase}${view.currentStage ? `, stage "${view.currentStage}"` : ''}${rules ? ` (${rules})` : ''}`];
  for (const s of view.stages) {
    const who = s.eligible === 'anyone' ? 'anyone' : s.eligible.join(', ') || 'nobody known';
    lines.push(`  ${s.name.padEnd(14)} ${s.approvals.length}/${s.quorum} approvals${s.approvals.length ? `: ${s.approvals.map((v) => v.approver).join(', ')}` : ''}  — eligible: ${who}`);
  }
  lines.push(`  opened ${view.openedAt} (${humanDuration(now - Date.parse(view.openedAt))} ago)`);
  const open = view.phase === 'open';
  if (view.deadline && (open || view.closedBy === 'deadline')) {
    lines.push(`  deadline ${view.deadline} (${Date.parse(view.deadline) > now ? `in ${humanDuration(Date.parse(view.deadline) - now)}` : 'passed'}), then ${view.onTimeout}`);
  }
  if (view.escalatedAt) lines.push(`  escalated ${view.escalatedAt}`);
  else if (view.escalateAt && open) lines.push(`  escalates ${view.escalateAt}`);
  if (view.closedBy) lines.push(`  closed by the ${view.closedBy}`);
  return lines;
}

/** Candidate vs champion, with the differences an approver weighs. */
export function renderComparison(e: EvaluationReport): string {
  const { headers, rows } = metricComparison(e, '%');
  return table(headers, rows);
}

/** A retrain's evidence for people: the monitor report, its drift table, realized vs evaluated performance. */
export function renderEvidence(e: RetrainEvidence): string[] {
  const d = e.drift;
  const drifted = d.drifted.length ? `: ${d.drifted.join(', ')}` : '';
  const lines = [
    `evidence:     monitor report ${e.reportId} — ${e.verdict} for v${e.version}, ${e.rows} predictions`,
    `              window ${e.window.start} – ${e.window.end}`,
    d.judged
      ? `  drift share ${fixed(d.share, 2)} (threshold ${d.shareThreshold})${drifted}`
      : `  drift not judged: ${d.reason ?? 'unknown'}`,
  ];
  if (d.features.length) {
    const verdict = (f: RetrainEvidence['drift']['features'][number]) =>
      f.reason ? `not judged: ${f.reason}` : f.drifted ? 'yes' : 'no';
    const num = (v: number | null) => fixed(v ?? undefined, 3);
    const rows = d.features.map((f) => [f.feature, f.method, num(f.score), num(f.threshold), verdict(f)]);
    lines.push(...table(['feature', 'test', 'score', 'threshold', 'drifted'], rows).split('\n').map((l) => `  ${l}`));
  }
  lines.push(`  ${describeEvidencePerformance(e)}`);
  return lines;
}
