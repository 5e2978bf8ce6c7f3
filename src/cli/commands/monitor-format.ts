import { metricValue, type MonitorReport, type RetrainOutcome } from '../../domain';
import type { ReportRow } from '../../adapters';
import type { MonitorScheduleView as ScheduleView } from '../../client';
import { fixed, pct, table } from '../format';

const everyText = (ms: number | null) => (ms === null ? '–' : ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`);

export function renderSchedule(s: ScheduleView): string[] {
  return [
    `schedule:     ${s.scheduleId} — every ${everyText(s.everyMs)}, overlap ${s.overlap}${s.paused ? ', PAUSED' : ''}${s.note ? ` (${s.note})` : ''}`,
    `runs:         ${s.actionsTaken} started, ${s.skippedOverlap} skipped (a run was still going)${s.running.length ? `; running: ${s.running.map((r) => r.workflowId).join(', ')}` : ''}`,
    `next:         ${s.nextActionTimes.slice(0, 3).join(', ') || '–'}`,
  ];
}

const retrainText = (r: RetrainOutcome | null) => (r ? `${r.action}${r.workflowId ? ` ${r.workflowId}` : ''}` : '–');

export function renderReportRows(rows: readonly ReportRow[]): string {
  return table(
    ['report', 'version', 'window start', 'window end', 'rows', 'verdict', 'drift share', 'retrain'],
    rows.map((r) => [r.id, r.version, r.windowStart, r.windowEnd, r.rows, r.verdict, fixed(r.driftShare, 2), retrainText(r.retrain)]),
  );
}

export function renderReport(report: MonitorReport, retrain: RetrainOutcome | null): string[] {
  const d = report.drift;
  const lines = [
    `report:       ${report.id}`,
    `model:        ${report.model} v${report.version} (profile ${report.profileId.slice(0, 12)})`,
    `window:       ${report.window.start} – ${report.window.end}, ${report.rows} predictions`,
    `verdict:      ${report.verdict}`,
    `drift:        ${d.judged ? `share ${fixed(d.dataset.driftedShare, 2)} (${d.dataset.driftedCount}/${d.dataset.judgedCount} judged features; dataset drift at ≥ ${d.dataset.shareThreshold})` : `not judged — ${d.reason}`}`,
    '',
    table(
      ['feature', 'test', 'score', 'threshold', 'drift', 'nulls (train → window)', 'NaN/Inf', 'note'],
      d.features.map((f) => [f.feature, f.method, fixed(f.score ?? undefined), fixed(f.threshold ?? undefined), f.judged ? (f.drifted ? 'YES' : 'no') : '–', `${pct(f.reference.nullRate)} → ${pct(f.current.nullRate)}`, f.current.invalidCount, f.reason ?? '']),
    ),
  ];
  if (d.prediction?.judged) lines.push('', `predicted labels vs training labels: ${d.prediction.method} ${fixed(d.prediction.score ?? undefined)} (${d.prediction.drifted ? 'shifted' : 'similar'}; not part of the drift share)`);
  const p = report.performance;
  if (p) {
    lines.push(
      '',
      p.judged
        ? `performance:  ${p.metric} ${fixed(p.realized ? metricValue(p.realized, p.metric) : undefined)} realized on ${p.labelledRows} labelled predictions (${p.window.start} – ${p.window.end}) vs ${fixed(p.expected)} evaluated; drop ${fixed(p.drop ?? undefined)}, allowed ${p.maxDrop}${p.degraded ? ' — DEGRADED' : ''}`
        : `performance:  not judged — ${p.reason}`,
    );
  }
  if (report.problems.length) lines.push('', 'problems:', ...report.problems.map((x) => `  - ${x}`));
  if (retrain) lines.push('', `retrain:      ${retrain.action}${retrain.workflowId ? ` (${retrain.workflowId})` : ''} — ${retrain.detail}`);
  return lines;
}


