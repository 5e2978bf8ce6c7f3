import type { MonitorWindow } from './report';

/**
 * The span a report covers: it ends at the schedule's action time and starts where the previous report
 * ended, never more than `windowMs` back (the first report, or after a long pause, covers `windowMs`).
 * Consecutive runs therefore tile the traffic without overlap, and backfilled runs tile the past.
 */
export function monitorWindow(end: string, previousEnd: string | null, windowMs: number): MonitorWindow {
  const endMs = Date.parse(end);
  if (!Number.isFinite(endMs)) throw new Error(`not an ISO time: "${end}"`);
  const earliest = endMs - windowMs;
  const previous = previousEnd === null ? Number.NaN : Date.parse(previousEnd);
  const start = Number.isFinite(previous) && previous > earliest && previous < endMs ? previous : earliest;
  return { start: new Date(start).toISOString(), end: new Date(endMs).toISOString() };
}
