import { z } from 'zod';
import type { MonitorVerdict, MonitorWindow, RetrainOutcome } from './report';

/** Public contract of the monitor workflow, started by a Temporal Schedule per model (or by hand). */
export const MONITOR_WORKFLOW_TYPE = 'modelMonitorWorkflow';

export const monitorScheduleId = (model: string): string => `monitor-${model}`;
/** One retrain per model at a time: a second trigger while it runs is refused by Temporal itself. */
export const retrainWorkflowId = (model: string): string => `retrain-${model}`;

/** Default wait after the window's end before reading the log, so predictions still buffered in servers land. */
export const DEFAULT_SETTLE_MS = 2000;

export const monitorInputSchema = z
  .object({
    model: z.string().min(1).max(200),
    /** End of the window (ISO); default: the schedule's action time, else the run's start. */
    windowEnd: z.iso.datetime({ offset: true }).optional(),
    /** How long after the window's end to wait for the prediction log (≥ the servers' flush interval). */
    settleMs: z.number().int().min(0).max(600_000).default(DEFAULT_SETTLE_MS),
  })
  .strict();

export type MonitorInput = z.input<typeof monitorInputSchema>;

export interface MonitorResult {
  readonly model: string;
  readonly reportId: string;
  readonly verdict: MonitorVerdict;
  readonly window: MonitorWindow;
  readonly retrain: RetrainOutcome;
}
