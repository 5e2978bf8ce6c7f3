import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes shown and filterable in the Temporal Web UI. The dev-server script registers
 * exactly these names (`searchAttributeRegistrations`), so keep the two in step.
 */
export const modelAttribute = defineSearchAttributeKey('MlopsModel', SearchAttributeType.KEYWORD);
export const stageAttribute = defineSearchAttributeKey('MlopsStage', SearchAttributeType.KEYWORD);
export const versionAttribute = defineSearchAttributeKey('MlopsVersion', SearchAttributeType.INT);
export const triggerAttribute = defineSearchAttributeKey('MlopsTrigger', SearchAttributeType.KEYWORD);

export const searchAttributeRegistrations: Record<string, 'Keyword' | 'Int'> = {
  MlopsModel: 'Keyword',
  MlopsStage: 'Keyword',
  MlopsVersion: 'Int',
  MlopsTrigger: 'Keyword',
};
