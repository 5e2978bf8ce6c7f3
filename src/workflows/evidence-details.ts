import type { RetrainEvidence } from '../domain';
import { describeEvidencePerformance } from '../domain/monitoring/evidence';

const fixed = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '–' : v.toFixed(digits));

/** Markdown of a retrain's evidence for the UI's current details: the report's drift table and performance. */
export function renderEvidenceMarkdown(e: RetrainEvidence): string[] {
  const lines = [
    `evidence — monitor report \`${e.reportId}\`: **${e.verdict}** for v${e.version}, ` +
      `${e.rows} predictions in ${e.window.start} – ${e.window.end}`,
  ];
  const d = e.drift;
  if (d.judged) {
    const drifted = d.drifted.length ? `: ${d.drifted.join(', ')}` : '';
    lines.push(`drift share **${fixed(d.share, 2)}** (threshold ${d.shareThreshold})${drifted}`);
  } else lines.push(`drift not judged: ${d.reason ?? 'unknown'}`);
  if (d.features.length) {
    lines.push('', '| feature | test | score | threshold | drift |', '|---|---|---|---|---|');
    for (const f of d.features) {
      const verdict = f.reason ? `not judged: ${f.reason}` : f.drifted ? '**yes**' : 'no';
      lines.push(`| ${f.feature} | ${f.method ?? '–'} | ${fixed(f.score)} | ${fixed(f.threshold)} | ${verdict} |`);
    }
  }
  lines.push('', describeEvidencePerformance(e));
  return lines;
}
