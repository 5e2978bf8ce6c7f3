import { z } from 'zod';
import { deploymentSpecSchema, type Strategy } from './strategy';
import type { GuardReport, ShadowReport } from './guards';

/** Public contract of the deployment workflow: input, signal payloads, status query and result. */

export const DEPLOYMENT_WORKFLOW_TYPE = 'deploymentWorkflow';

export const deploymentKinds = ['release', 'rollback'] as const;
export type DeploymentKind = (typeof deploymentKinds)[number];

export const deploymentInputSchema = z
  .object({
    model: z.string().min(1).max(63),
    /** The version to bring into production. */
    version: z.number().int().positive(),
    kind: z.enum(deploymentKinds).default('release'),
    deployment: deploymentSpecSchema.prefault({}),
    actor: z.string().trim().min(1).max(200),
    reason: z.string().max(2000).optional(),
  })
  .strict();

export type DeploymentInput = z.input<typeof deploymentInputSchema>;

/** Payload of the pause, resume, abort and promote signals. */
export const rolloutCommandSchema = z
  .object({
    actor: z.string().trim().min(1, 'actor is required').max(200),
    reason: z.string().max(2000).optional(),
  })
  .strict();

export type RolloutCommand = z.infer<typeof rolloutCommandSchema>;
export type RolloutCommandKind = 'pause' | 'resume' | 'abort' | 'promote';

export const deploymentStates = [
  'starting',
  'queued',
  'canary',
  'shadow',
  'awaiting-decision',
  'promoting',
  'rolling-back',
  'promoted',
  'rolled-back',
  'failed',
] as const;
export type DeploymentState = (typeof deploymentStates)[number];

/** What the deployments table stores as the state of a row (`queued`: waiting for the model's running one). */
export type DeploymentRecordState = 'queued' | 'running' | 'promoted' | 'rolled-back' | 'failed';

/**
 * Where a queued deployment stands: the deployment it waits for (the model's running one, else the first
 * queued before it) and how many are ahead of it. Deployments of a model run one at a time, first come
 * first served (see docs/delivery.md).
 */
export interface DeploymentQueuePosition {
  readonly deploymentId: number;
  readonly kind: DeploymentKind;
  readonly version: number;
  readonly workflowId: string;
  readonly state: 'queued' | 'running';
  /** Deployments of the model that will run before this one (the running one included). */
  readonly ahead: number;
}

/** What a deployment started by a lifecycle tells its parent about its place in the model's queue. */
export type ReleaseProgress =
  | { readonly state: 'queued'; readonly deploymentId: number; readonly waitingFor: DeploymentQueuePosition }
  | { readonly state: 'started'; readonly deploymentId: number };

export const describeQueuePosition = (model: string, w: DeploymentQueuePosition): string =>
  `waiting for deployment #${w.deploymentId} (${w.kind} of v${w.version}, ${w.state}) of ${model} to finish` +
  `${w.ahead > 1 ? `; ${w.ahead} deployments ahead` : ''}`;

export interface RolloutStep {
  readonly mode: Strategy;
  /** Candidate's share of traffic (canary) or null (direct: all of it at once; shadow: a copy). */
  readonly percent: number | null;
  readonly startedAt: string;
  readonly endedAt?: string;
  /** Extra bake periods waited for enough traffic. */
  readonly extensions: number;
  readonly report?: GuardReport;
}

export interface RolloutEvent {
  readonly kind: RolloutCommandKind;
  readonly actor: string;
  readonly reason?: string;
  readonly at: string;
  readonly accepted: boolean;
  readonly note?: string;
}

export interface DeploymentStatus {
  readonly model: string;
  readonly kind: DeploymentKind;
  /** The strategy run (a canary or shadow without a stable version to compare with runs as direct). */
  readonly strategy: Strategy;
  readonly requestedStrategy: Strategy;
  readonly fromVersion: number | null;
  readonly toVersion: number;
  readonly state: DeploymentState;
  readonly paused: boolean;
  readonly deploymentId?: number;
  readonly steps: readonly RolloutStep[];
  readonly shadow?: ShadowReport;
  readonly events: readonly RolloutEvent[];
  readonly outcomeReason?: string;
  /** While `queued`: what it waits for. */
  readonly waitingFor?: DeploymentQueuePosition;
}

export type DeploymentOutcome = 'promoted' | 'rolled-back';

export interface DeploymentResult {
  readonly outcome: DeploymentOutcome;
  readonly model: string;
  readonly kind: DeploymentKind;
  readonly strategy: Strategy;
  readonly fromVersion: number | null;
  readonly toVersion: number;
  readonly deploymentId: number;
  readonly reason: string;
  readonly steps: readonly RolloutStep[];
  readonly shadow?: ShadowReport;
}

/** Business ids: one release deployment per model version; rollbacks are stamped. */
export const deploymentWorkflowId = (model: string, version: number): string => `deploy-${model}-v${version}`;

export function rollbackWorkflowId(model: string, version: number, now: Date, suffix: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `rollback-${model}-v${version}-${stamp}-${suffix}`;
}
