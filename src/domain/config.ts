import { z } from 'zod';

/**
 * Every setting of every process, from environment variables, in one schema. Each process entry point
 * parses its environment once with `parseConfig` and injects the frozen result; nothing else reads it.
 */
const port = z.coerce.number().int().min(1).max(65535);
const hostPort = /^[^:\s]+:\d+$/;
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes'); // z.coerce.boolean() would read "false" as true

/** Worker process roles (README: running beyond one machine). */
export const workerRoles = ['all', 'control', 'training'] as const;
export type WorkerRole = (typeof workerRoles)[number];

/**
 * The queue built-in training and evaluation run on: derived from the control queue, so a workflow (which
 * cannot read config) and every worker agree on it without another setting. Distinct from the external
 * trainers' queue (`MLOPS_TRAINING_TASK_QUEUE`): workers of one queue must all serve the same activities.
 */
export const builtinTrainingQueueOf = (controlQueue: string): string => `${controlQueue}-builtin-training`;

/** How to reach Temporal beyond its address: TLS/mTLS material, API key, gRPC metadata (from envconfig). */
export interface TemporalTransport {
  readonly apiKey?: string;
  readonly tls?: boolean | TemporalTls;
  readonly metadata?: Record<string, string>;
}
export interface TemporalTls {
  readonly serverNameOverride?: string;
  readonly serverRootCACertificate?: Uint8Array;
  readonly clientCertPair?: { readonly crt: Uint8Array; readonly key: Uint8Array };
}
/** An envconfig profile, already merged with `TEMPORAL_*` env (env wins); loaded by src/client/temporal-profile.ts. */
export interface TemporalProfile {
  /** Which profile of which file, for messages and logs; absent when no file was found. */
  readonly source?: string;
  readonly address?: string;
  readonly namespace?: string;
  readonly transport: TemporalTransport;
}

export const configSchema = z.object({
  /** Overrides the envconfig profile's address; neither set: `127.0.0.1:7233` (src/client/temporal-profile.ts). */
  TEMPORAL_ADDRESS: z.string().regex(hostPort, 'host:port').optional(),
  /** Overrides the profile's namespace; neither set: `default`. */
  TEMPORAL_NAMESPACE: z.string().min(1).optional(),
  /** Profile of the Temporal envconfig TOML file to connect with (default: `default`). */
  TEMPORAL_PROFILE: z.string().min(1).optional(),
  /** The TOML file of profiles (default: `~/.config/temporalio/temporal.toml`, if it exists). */
  TEMPORAL_CONFIG_FILE: z.string().min(1).optional(),
  TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
  MLOPS_TASK_QUEUE: z.string().min(1).default('mlops'),
  /** Task queue the Python training worker serves; lifecycles send external trainers' activities there. */
  MLOPS_TRAINING_TASK_QUEUE: z.string().min(1).default('mlops-training'),
  MLOPS_DATA_DIR: z.string().min(1).default('.data'),
  /**
   * Comma-separated folders users' datasets, labels files and retrain bases may be read from (besides the data
   * dir's `datasets/`, `snapshots/` and `retrain/`); default: the working directory. Hidden folders below a root never count.
   */
  MLOPS_DATASET_ROOTS: z
    .string()
    .default('.')
    .transform((v) => v.split(',').map((r) => r.trim()).filter(Boolean))
    .refine((roots) => roots.length > 0, 'at least one folder'),
  MLOPS_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
  MLOPS_SERVER_PORT: port.default(8700),
  MLOPS_ADMIN_TOKEN: z.string().min(8, 'at least 8 characters').default('dev-admin-token-change-me'),
  MLOPS_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  MLOPS_LOG_PRETTY: flag.default(false),
  /** Code version recorded with each model version; the worker fills it from git when absent. */
  MLOPS_CODE_VERSION: z.string().optional(),
  /** Approver directory: JSON `{ "approvers": { "alice": { "roles": ["ml-lead"] } } }`; default <data dir>/approvers.json. */
  MLOPS_APPROVERS_FILE: z.string().min(1).optional(),
  /** Folder of approvers' Ed25519 public keys, one `<name>.pub` PEM each; default <data dir>/approver-keys. */
  MLOPS_APPROVER_KEYS_DIR: z.string().min(1).optional(),
  /** Receives a JSON POST when an approval gate escalates; unset = log only. */
  MLOPS_ESCALATION_WEBHOOK_URL: z.url().optional(),
  /** Activities one worker runs at once on the control queue (data steps, registry, deployment, monitoring). */
  MLOPS_WORKER_MAX_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(4),
  /** Which task queues a worker process polls: `all` (control + training, the quick start), `control`, `training`. */
  MLOPS_WORKER_ROLE: z.enum(workerRoles).default('all'),
  /** Activities one worker runs at once on the built-in training queue (CPU-bound training and evaluation). */
  MLOPS_TRAINING_WORKER_MAX_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(2),
  /** Workflow runs kept in the worker's cache (each is an isolate context; parked gates need none). */
  MLOPS_WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).optional(),
  /** The prebuilt workflow bundle a worker loads (default: `dist/workflow-bundle.js`); `none` bundles at start. */
  MLOPS_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /** How often the model server writes buffered predictions to the prediction log. */
  MLOPS_PREDICTION_FLUSH_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  /** The worker serves Temporal's Runtime metrics (Prometheus text) on this port at `/metrics`; unset = none. */
  MLOPS_WORKER_METRICS_PORT: port.optional(),
  /** Interface the worker's metrics endpoint listens on. */
  MLOPS_WORKER_METRICS_HOST: z.string().min(1).default('0.0.0.0'),
});

export interface AppConfig {
  readonly temporal: {
    readonly address: string;
    readonly namespace: string;
    readonly uiUrl: string;
    /** Control queue: workflows, registry, deployment, governance, monitoring activities. */
    readonly taskQueue: string;
    /** External trainers' queue (the Python worker). */
    readonly trainingTaskQueue: string;
    /** Built-in training and evaluation (TypeScript workers of role `training` or `all`). */
    readonly builtinTrainingTaskQueue: string;
    readonly transport: TemporalTransport;
    /** The envconfig profile used, when a file was found. */
    readonly profileSource?: string;
  };
  readonly dataDir: string;
  readonly registryPath: string;
  readonly artifactDir: string;
  readonly snapshotDir: string;
  /** Folders user-named data may come from: `MLOPS_DATASET_ROOTS`, then the data dir's `datasets`, `snapshots`, `retrain`. */
  readonly datasetRoots: readonly string[];
  readonly server: { readonly host: string; readonly port: number; readonly url: string; readonly adminToken: string };
  readonly log: { readonly level: string; readonly pretty: boolean };
  readonly codeVersion?: string;
  readonly worker: {
    readonly role: WorkerRole;
    readonly maxConcurrentActivities: number;
    readonly maxTrainingActivities: number;
    readonly maxCachedWorkflows?: number;
  };
  /** Prebuilt workflow bundle path, `none`, or unset (the build's default). */
  readonly workflowBundle?: string;
  readonly governance: { readonly approversFile: string; readonly keysDir: string; readonly escalationWebhookUrl?: string };
  /** `host:port` of the worker's Prometheus endpoint, when `MLOPS_WORKER_METRICS_PORT` is set. */
  readonly workerMetricsAddress?: string;
  /** Prediction log, delayed labels and materialized retrain data (docs/monitoring.md). */
  readonly monitoring: { readonly predictionLogDir: string; readonly labelDir: string; readonly retrainDir: string; readonly flushMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** `join` without node:path, so this module stays pure. */
const joinPath = (dir: string, name: string): string => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);

/**
 * Parses the environment once. Temporal connection precedence: `TEMPORAL_ADDRESS`/`TEMPORAL_NAMESPACE` env,
 * then the envconfig profile (`profile`, loaded by the entry point), then `127.0.0.1:7233` / `default`.
 * @throws ConfigError naming every bad setting.
 */
export function parseConfig(env: Record<string, string | undefined>, profile?: TemporalProfile): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`));
  }
  const c = parsed.data;
  const address = c.TEMPORAL_ADDRESS ?? profile?.address ?? '127.0.0.1:7233';
  if (!hostPort.test(address)) throw new ConfigError([`address of ${profile?.source ?? 'the Temporal profile'}: host:port (got ${JSON.stringify(address)})`]);
  return Object.freeze({
    temporal: Object.freeze({
      address,
      namespace: c.TEMPORAL_NAMESPACE ?? profile?.namespace ?? 'default',
      uiUrl: c.TEMPORAL_UI_URL.replace(/\/$/, ''),
      taskQueue: c.MLOPS_TASK_QUEUE,
      trainingTaskQueue: c.MLOPS_TRAINING_TASK_QUEUE,
      builtinTrainingTaskQueue: builtinTrainingQueueOf(c.MLOPS_TASK_QUEUE),
      transport: Object.freeze(profile?.transport ?? {}),
      ...(profile?.source ? { profileSource: profile.source } : {}),
    }),
    dataDir: c.MLOPS_DATA_DIR,
    registryPath: joinPath(c.MLOPS_DATA_DIR, 'registry.db'),
    artifactDir: joinPath(c.MLOPS_DATA_DIR, 'artifacts'),
    snapshotDir: joinPath(c.MLOPS_DATA_DIR, 'snapshots'),
    // Snapshots and retrain data are ours (made from allowed sources): a retrain may start from either.
    datasetRoots: Object.freeze([
      ...c.MLOPS_DATASET_ROOTS,
      ...['datasets', 'snapshots', 'retrain'].map((d) => joinPath(c.MLOPS_DATA_DIR, d)),
    ]),
    server: Object.freeze({
      host: c.MLOPS_SERVER_HOST,
      port: c.MLOPS_SERVER_PORT,
      url: `http://${c.MLOPS_SERVER_HOST}:${c.MLOPS_SERVER_PORT}`,
      adminToken: c.MLOPS_ADMIN_TOKEN,
    }),
    log: Object.freeze({ level: c.MLOPS_LOG_LEVEL, pretty: c.MLOPS_LOG_PRETTY }),
    ...(c.MLOPS_CODE_VERSION ? { codeVersion: c.MLOPS_CODE_VERSION } : {}),
    ...(c.MLOPS_WORKFLOW_BUNDLE ? { workflowBundle: c.MLOPS_WORKFLOW_BUNDLE } : {}),
    worker: Object.freeze({
      role: c.MLOPS_WORKER_ROLE,
      maxConcurrentActivities: c.MLOPS_WORKER_MAX_ACTIVITIES,
      maxTrainingActivities: c.MLOPS_TRAINING_WORKER_MAX_ACTIVITIES,
      ...(c.MLOPS_WORKER_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: c.MLOPS_WORKER_MAX_CACHED_WORKFLOWS } : {}),
    }),
    ...(c.MLOPS_WORKER_METRICS_PORT
      ? { workerMetricsAddress: `${c.MLOPS_WORKER_METRICS_HOST}:${c.MLOPS_WORKER_METRICS_PORT}` }
      : {}),
    governance: Object.freeze({
      approversFile: c.MLOPS_APPROVERS_FILE ?? joinPath(c.MLOPS_DATA_DIR, 'approvers.json'),
      keysDir: c.MLOPS_APPROVER_KEYS_DIR ?? joinPath(c.MLOPS_DATA_DIR, 'approver-keys'),
      ...(c.MLOPS_ESCALATION_WEBHOOK_URL ? { escalationWebhookUrl: c.MLOPS_ESCALATION_WEBHOOK_URL } : {}),
    }),
    monitoring: Object.freeze({
      predictionLogDir: joinPath(c.MLOPS_DATA_DIR, 'predictions'),
      labelDir: joinPath(c.MLOPS_DATA_DIR, 'labels'),
      retrainDir: joinPath(c.MLOPS_DATA_DIR, 'retrain'),
      flushMs: c.MLOPS_PREDICTION_FLUSH_MS,
    }),
  });
}

/** Link to a workflow in the Temporal Web UI. */
export function workflowUiLink(config: AppConfig, workflowId: string, runId?: string): string {
  const base = `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${runId}/history` : base;
}

/** Link to a Schedule in the Temporal Web UI. */
export function scheduleUiLink(config: AppConfig, scheduleId: string): string {
  return `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/schedules/${encodeURIComponent(scheduleId)}`;
}
