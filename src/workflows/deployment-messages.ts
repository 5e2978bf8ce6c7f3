import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DeploymentStatus, ReleaseProgress, RolloutCommand } from '../domain';

/**
 * The deployment workflow's public message contract. Each signal takes `{"actor": "<who>", "reason": "…"}`:
 *   temporal workflow signal --workflow-id deploy-<model>-v<n> --name pause --input '{"actor":"ops"}'
 */
export const pauseSignal = defineSignal<[RolloutCommand]>('pause');
export const resumeSignal = defineSignal<[RolloutCommand]>('resume');
export const abortSignal = defineSignal<[RolloutCommand]>('abort');
/** Promotes a shadow candidate a person was asked about (low agreement); refused at any other time. */
export const promoteSignal = defineSignal<[RolloutCommand]>('promote');
/** Sent by a deployment of the model that just ended to the next queued one: its turn may have come. */
export const deploymentTurnSignal = defineSignal<[{ deploymentId?: number }]>('deploymentTurn');
export const deploymentStatusQuery = defineQuery<DeploymentStatus>('deploymentStatus');
/**
 * Sent by a deployment to the lifecycle that started it: queued behind another deployment of the model
 * (with what it waits for), then started. The lifecycle shows it as its stage (`queued`, then `deploying`).
 */
export const releaseProgressSignal = defineSignal<[ReleaseProgress]>('releaseProgress');
