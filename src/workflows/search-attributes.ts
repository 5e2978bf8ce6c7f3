import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes shown and filterable in the Temporal Web UI. The dev-server script registers
 * exactly these names (`searchAttributeRegistrations`), so keep the two in step.
 */
export const modelAttribute = defineSearchAttributeKey('MlopsModel', SearchAttributeType.KEYWORD);
export const stageAttribute = defineSearchAttributeKey('MlopsStage', SearchAttributeType.KEYWORD);
export const versionAttribute = defineSearchAttributeKey('MlopsVersion', SearchAttributeType.INT);
export const triggerAttribute = defineSearchAttributeKey('MlopsTrigger', SearchAttributeType.KEYWORD);
/** Monitor runs: the report's verdict (ok, drift, degraded, drift-and-degraded, not-judged) and drift share. */
export const verdictAttribute = defineSearchAttributeKey('MlopsVerdict', SearchAttributeType.KEYWORD);
export const driftShareAttribute = defineSearchAttributeKey('MlopsDriftShare', SearchAttributeType.DOUBLE);
/** Set by Temporal on runs a Schedule starts: the action's nominal time (a backfill's past time included). */
export const scheduledStartTimeAttribute = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export const searchAttributeRegistrations: Record<string, 'Keyword' | 'Int' | 'Double'> = {
  MlopsModel: 'Keyword',
  MlopsStage: 'Keyword',
  MlopsVersion: 'Int',
  MlopsTrigger: 'Keyword',
  MlopsVerdict: 'Keyword',
  MlopsDriftShare: 'Double',
};
