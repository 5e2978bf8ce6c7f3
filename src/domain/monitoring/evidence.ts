import { z } from 'zod';
import type { MonitorSummary } from './report';

const nullableNumber = z.number().nullable();

/**
 * What a drift- or performance-triggered retrain puts before its approvers: the monitor report's drift table
 * (per feature: test, score, threshold, drifted), realized vs evaluated performance, and the report id. The
 * monitor workflow passes it in the child's input (a compact copy of the stored report's summary), so the
 * lifecycle shows it without reading the registry.
 */
export const retrainEvidenceSchema = z
  .object({
    reportId: z.string().max(200),
    /** The monitored (deployed) version the report judged. */
    version: z.number().int(),
    verdict: z.string().max(40),
    window: z.object({ start: z.string(), end: z.string() }),
    rows: z.number().int().nonnegative(),
    drift: z.object({
      judged: z.boolean(),
      reason: z.string().nullable(),
      share: z.number(),
      shareThreshold: z.number(),
      drifted: z.array(z.string()).max(500),
      features: z
        .array(
          z.object({
            feature: z.string(),
            method: z.string().nullable(),
            score: nullableNumber,
            threshold: nullableNumber,
            drifted: z.boolean(),
            reason: z.string().nullable(),
          }),
        )
        .max(500),
    }),
    performance: z
      .object({
        judged: z.boolean(),
        reason: z.string().nullable(),
        metric: z.string(),
        labelledRows: z.number(),
        realized: nullableNumber,
        expected: z.number(),
        drop: nullableNumber,
        maxDrop: z.number(),
        degraded: z.boolean(),
      })
      .nullable(),
  })
  .strict();

export type RetrainEvidence = z.infer<typeof retrainEvidenceSchema>;

/** The evidence of a monitor report's summary (the fields an approver weighs, nothing else). */
export function retrainEvidenceOf(s: MonitorSummary): RetrainEvidence {
  const p = s.performance;
  return {
    reportId: s.reportId,
    version: s.version,
    verdict: s.verdict,
    window: { start: s.window.start, end: s.window.end },
    rows: s.rows,
    drift: {
      judged: s.drift.judged,
      reason: s.drift.reason,
      share: s.drift.share,
      shareThreshold: s.drift.shareThreshold,
      drifted: [...s.drift.drifted],
      features: s.drift.features.map((f) => ({ ...f })),
    },
    performance: p
      ? {
          judged: p.judged,
          reason: p.reason,
          metric: p.metric,
          labelledRows: p.labelledRows,
          realized: p.realized,
          expected: p.expected,
          drop: p.drop,
          maxDrop: p.maxDrop,
          degraded: p.degraded,
        }
      : null,
  };
}

const fixed = (v: number | null, digits = 3) => (v === null ? '–' : v.toFixed(digits));

/** "accuracy: realized 0.512 on 240 labelled predictions vs 0.702 evaluated (drop 0.190, allowed 0.1) — degraded". */
export function describeEvidencePerformance(e: RetrainEvidence): string {
  const p = e.performance;
  if (!p) return 'performance: not monitored';
  if (!p.judged) return `performance not judged: ${p.reason ?? 'unknown'}`;
  return `${p.metric}: realized ${fixed(p.realized)} on ${p.labelledRows} labelled predictions ` +
    `vs ${fixed(p.expected)} ` +
    `evaluated (drop ${fixed(p.drop)}, allowed ${p.maxDrop})${p.degraded ? ' — degraded' : ''}`;
}
