import type { TriggerKind } from '../lifecycle';
import type { MonitorSummary, RetrainAction } from './report';

export type RetrainDecision =
  | { readonly action: 'retrain'; readonly kind: TriggerKind; readonly reason: string }
  | { readonly action: Exclude<RetrainAction, 'started' | 'already-running' | 'failed'>; readonly detail: string };

const fixed = (v: number | null) => (v === null ? '–' : v.toFixed(3));

/** One line naming what the report found, used as the retrain's reason. */
export function describeFinding(s: MonitorSummary): string {
  const parts: string[] = [];
  if (s.drift.judged && (s.verdict === 'drift' || s.verdict === 'drift-and-degraded')) {
    const judged = s.drift.features.filter((f) => f.reason === null).length;
    parts.push(`drift in ${s.drift.drifted.length}/${judged} features (${s.drift.drifted.join(', ')}; share ${s.drift.share.toFixed(2)} ≥ ${s.drift.shareThreshold})`);
  }
  const p = s.performance;
  if (p?.degraded) parts.push(`${p.metric} ${fixed(p.realized)} on ${p.labelledRows} labelled predictions vs ${fixed(p.expected)} at evaluation (drop ${fixed(p.drop)} > ${p.maxDrop})`);
  return `${parts.join('; ')} — report ${s.reportId}, window ${s.window.start} – ${s.window.end}`;
}

/**
 * Whether a report starts a retrain. Pure and deterministic (the workflow calls it with workflow time):
 * only a finding triggers; the spec may disable retraining; backfilled windows only report; and a
 * retrain started less than `cooldown` ago turns further findings into a note.
 */
export function decideRetrain(s: MonitorSummary, nowMs: number, runStartedMs: number): RetrainDecision {
  if (s.verdict === 'ok') return { action: 'none', detail: 'no drift or degradation' };
  if (s.verdict === 'not-judged') return { action: 'none', detail: `nothing could be judged: ${s.drift.reason ?? s.performance?.reason ?? 'no data'}` };
  const finding = describeFinding(s);
  if (!s.policy.retrain) return { action: 'disabled', detail: `retraining is disabled in the spec; found ${finding}` };
  const windowEndMs = Date.parse(s.window.end);
  if (runStartedMs - windowEndMs > s.policy.windowMs) {
    return { action: 'backfill', detail: `a backfilled window (ended ${s.window.end}, run started ${new Date(runStartedMs).toISOString()}) only reports` };
  }
  if (s.lastRetrainAt) {
    const next = Date.parse(s.lastRetrainAt) + s.policy.cooldownMs;
    if (nowMs < next) return { action: 'cooldown', detail: `cooldown: the last retrain started at ${s.lastRetrainAt}; the next may start after ${new Date(next).toISOString()}` };
  }
  const degraded = s.verdict === 'degraded' || s.verdict === 'drift-and-degraded';
  return { action: 'retrain', kind: degraded ? 'performance' : 'drift', reason: finding };
}
