import type { temporal } from '@temporalio/proto';

type Event = temporal.api.history.v1.IHistoryEvent;
const ms = (e: Event): number => {
  const t = e.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
};

/**
 * Per-step orchestration overhead from a run's history: for each activity, the time from the moment it could
 * have started (previous activity completed, or the signal that released the workflow) to its actual start.
 * The activity's own work (started → completed) is excluded, so lifecycle and no-op chain compare fairly.
 */
export function stepOverheads(events: Event[]): { overheads: number[]; workMs: number; activities: number } {
  const overheads: number[] = [];
  let readyAt = events[0] ? ms(events[0]) : 0;
  let startedAt = 0;
  let workMs = 0;
  for (const e of events) {
    if (e.workflowExecutionSignaledEventAttributes || e.workflowExecutionUpdateAcceptedEventAttributes) readyAt = Math.max(readyAt, ms(e));
    if (e.activityTaskStartedEventAttributes) {
      startedAt = ms(e);
      overheads.push(startedAt - readyAt);
    }
    if (e.activityTaskCompletedEventAttributes) {
      readyAt = ms(e);
      workMs += readyAt - startedAt;
    }
  }
  return { overheads, workMs, activities: overheads.length };
}

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}
