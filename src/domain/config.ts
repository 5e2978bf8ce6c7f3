import { z } from 'zod';
import { currentPayloadKey, parsePayloadKeys, type PayloadKey } from './payload-keys';
import { builtinTrainingQueueOf } from './training-spec';

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
 * Workflow cache of a worker, in runs. Sized for many parked gates: a cached run costs ~1.8 MB of the worker's
 * RSS, an evicted one nothing until it moves (README "scale — parked approvals").
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 100;

/**
 * V8 heap (MB) a worker needs for a full workflow cache: ~64 MB of its own, plus 1 MB per cached run (a cached
 * lifecycle keeps ~0.75 MB of heap, its deployment child ~0.15; headroom for GC). Below it the worker warns at
 * start: a full cache would crash it out of memory (`npm run worker` caps the heap, MLOPS_WORKER_HEAP_MB).
 */
export const heapMbNeededForCache = (maxCachedWorkflows: number): number => 64 + maxCachedWorkflows;

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

/** The admin token a fresh checkout runs with: the model server refuses it unless MLOPS_DEV_MODE is on. */
export const DEV_ADMIN_TOKEN = 'dev-admin-token-change-me';

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
  /** The registry on PostgreSQL (`postgres://user:password@host:5432/db`); unset = SQLite `<data dir>/registry.db`. */
  MLOPS_REGISTRY_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres://user:password@host:port/database URL').optional(),
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
  MLOPS_ADMIN_TOKEN: z.string().min(8, 'at least 8 characters').default(DEV_ADMIN_TOKEN),
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
  /**
   * Workflow runs a worker keeps in memory (~1.8 MB each); a run not cached replays its history when it next
   * moves (~50–100 ms for a parked lifecycle), so 100 bounds the cache however many runs are parked (README).
   */
  MLOPS_WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(DEFAULT_MAX_CACHED_WORKFLOWS),
  /** The prebuilt workflow bundle a worker loads (default: `dist/workflow-bundle.js`); `none` bundles at start. */
  MLOPS_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /** How often the model server writes buffered predictions to the prediction log. */
  MLOPS_PREDICTION_FLUSH_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  /** The worker serves Temporal's Runtime metrics (Prometheus text) on this port at `/metrics`; unset = none. */
  MLOPS_WORKER_METRICS_PORT: port.optional(),
  /** Interface the worker's metrics endpoint listens on. */
  MLOPS_WORKER_METRICS_HOST: z.string().min(1).default('0.0.0.0'),
  /** Where blobs live (snapshots, artifacts, checkpoints, prediction log, labels, retrain data): unset = the data dir. */
  MLOPS_BLOB_URL: z
    .string()
    .regex(/^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?|file:\/\/\/.*)$/, 's3://bucket[/prefix] or file:///absolute/folder')
    .optional(),
  /** S3-compatible endpoint (e.g. `http://127.0.0.1:7390`); unset = AWS S3. */
  MLOPS_S3_ENDPOINT: z.url().optional(),
  /** Path-style requests (`endpoint/bucket/key`), as most S3-compatible servers want; default: on when an endpoint is set. */
  MLOPS_S3_PATH_STYLE: flag.optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Credentials; unset = the AWS SDK's default chain (profile, instance role). */
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  AWS_SESSION_TOKEN: z.string().min(1).optional(),
  /** Local cache of downloaded S3 blobs (content-addressed); default <data dir>/blob-cache. */
  MLOPS_BLOB_CACHE_DIR: z.string().min(1).optional(),
  /** Local conveniences (the built-in admin token); the scripts, demo and tests set it, production must not. */
  MLOPS_DEV_MODE: flag.default(false),
  /** Payload encryption keys `id:base64key,…` (32-byte AES-256 keys); unset (and no keys file) = payloads in clear. */
  MLOPS_PAYLOAD_KEYS: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      for (const message of v === undefined ? [] : parsePayloadKeys(v).problems) ctx.addIssue({ code: 'custom', message });
    }),
  /** The same list in a file (one entry a line), read by each process at start; used when MLOPS_PAYLOAD_KEYS is unset. */
  MLOPS_PAYLOAD_KEYS_FILE: z.string().min(1).optional(),
  /** Key id that encrypts new payloads; default: the first listed. The others only decrypt (rotation). */
  MLOPS_PAYLOAD_KEY_ID: z.string().min(1).optional(),
  /** Bearer token the codec server (`mlops codec-server`) requires; it refuses to start without one. */
  MLOPS_CODEC_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  MLOPS_CODEC_HOST: z.string().min(1).default('127.0.0.1'),
  MLOPS_CODEC_PORT: port.default(8888),
});

/** Where blobs live: the local data dir (default) or an S3-compatible bucket (`MLOPS_BLOB_URL=s3://…`). */
export type BlobConfig =
  | { readonly kind: 'local'; readonly root: string }
  | {
      readonly kind: 's3';
      readonly url: string;
      readonly bucket: string;
      /** Key prefix every blob lives under ('' for the bucket's root). */
      readonly prefix: string;
      /** S3-compatible endpoint (`http://127.0.0.1:7390`); unset = AWS. */
      readonly endpoint?: string;
      readonly region: string;
      readonly forcePathStyle: boolean;
      readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
      /** Local content-addressed cache of downloads (DuckDB and onnxruntime read files). */
      readonly cacheDir: string;
    };

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
  /** The SQLite registry file, used when `registryUrl` is not set. */
  readonly registryPath: string;
  /** PostgreSQL connection URL of the registry (`MLOPS_REGISTRY_URL`); absent = SQLite at `registryPath`. */
  readonly registryUrl?: string;
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
    readonly maxCachedWorkflows: number;
  };
  /** Prebuilt workflow bundle path, `none`, or unset (the build's default). */
  readonly workflowBundle?: string;
  readonly governance: { readonly approversFile: string; readonly keysDir: string; readonly escalationWebhookUrl?: string };
  /** `host:port` of the worker's Prometheus endpoint, when `MLOPS_WORKER_METRICS_PORT` is set. */
  readonly workerMetricsAddress?: string;
  /** Prediction log, delayed labels and materialized retrain data (docs/monitoring.md). */
  readonly monitoring: { readonly predictionLogDir: string; readonly labelDir: string; readonly retrainDir: string; readonly flushMs: number };
  readonly blob: BlobConfig;
  /** Local conveniences allowed (MLOPS_DEV_MODE). */
  readonly devMode: boolean;
  /** Payload encryption (docs/security.md); absent = off. Keys come from the env list or, at start, the keys file. */
  readonly encryption?: PayloadEncryptionConfig;
  readonly codecServer: { readonly host: string; readonly port: number; readonly token?: string };
}

export interface PayloadEncryptionConfig {
  readonly payloadKeys: readonly PayloadKey[];
  readonly keysFile?: string;
  readonly currentKeyId?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** A connection URL fit for messages and logs: its password replaced by `***`. */
export const hidePassword = (url: string): string => url.replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/, '$1***@');

/** `join` without node:path, so this module stays pure. */
const joinPath = (dir: string, name: string): string => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);

type ParsedEnv = z.infer<typeof configSchema>;

/** The blob store's settings; a `file://` URL names the local root (default: the data dir itself). */
function blobConfig(c: ParsedEnv): BlobConfig {
  const url = c.MLOPS_BLOB_URL;
  if (!url?.startsWith('s3://')) return { kind: 'local', root: url ? decodeURIComponent(url.slice('file://'.length)) : c.MLOPS_DATA_DIR };
  const rest = url.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const credentials =
    c.AWS_ACCESS_KEY_ID && c.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: c.AWS_ACCESS_KEY_ID, secretAccessKey: c.AWS_SECRET_ACCESS_KEY, ...(c.AWS_SESSION_TOKEN ? { sessionToken: c.AWS_SESSION_TOKEN } : {}) }
      : undefined;
  return {
    kind: 's3',
    url: url.replace(/\/+$/, ''),
    bucket: slash < 0 ? rest : rest.slice(0, slash),
    prefix: slash < 0 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, ''),
    ...(c.MLOPS_S3_ENDPOINT ? { endpoint: c.MLOPS_S3_ENDPOINT } : {}),
    region: c.AWS_REGION,
    forcePathStyle: c.MLOPS_S3_PATH_STYLE ?? c.MLOPS_S3_ENDPOINT !== undefined,
    ...(credentials ? { credentials: Object.freeze(credentials) } : {}),
    cacheDir: c.MLOPS_BLOB_CACHE_DIR ?? joinPath(c.MLOPS_DATA_DIR, 'blob-cache'),
  };
}

/**
 * Parses the environment once. Temporal connection precedence: `TEMPORAL_ADDRESS`/`TEMPORAL_NAMESPACE` env,
 * then the envconfig profile (`profile`, loaded by the entry point), then `127.0.0.1:7233` / `default`.
 * @throws ConfigError naming every bad setting.
 */
export function parseConfig(env: Record<string, string | undefined>, profile?: TemporalProfile): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${describeValue(String(i.path[0]), env)})`));
  }
  const c = parsed.data;
  const blob = blobConfig(c);
  // Local working folders: the blob root itself for a local store (its files are the blobs), else the data dir.
  const local = blob.kind === 'local' ? blob.root : c.MLOPS_DATA_DIR;
  // Snapshots and retrain data are ours (made from allowed sources): a retrain may start from either.
  const ownRoots = [joinPath(c.MLOPS_DATA_DIR, 'datasets'), ...['snapshots', 'retrain'].map((d) => joinPath(local, d))];
  if (blob.kind === 's3') ownRoots.push(...['snapshots', 'retrain'].map((d) => joinPath(blob.url, d)));
  const address = c.TEMPORAL_ADDRESS ?? profile?.address ?? '127.0.0.1:7233';
  if (!hostPort.test(address)) throw new ConfigError([`address of ${profile?.source ?? 'the Temporal profile'}: host:port (got ${JSON.stringify(address)})`]);
  const encryption = encryptionConfig(c.MLOPS_PAYLOAD_KEYS, c.MLOPS_PAYLOAD_KEYS_FILE, c.MLOPS_PAYLOAD_KEY_ID);
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
    ...(c.MLOPS_REGISTRY_URL ? { registryUrl: c.MLOPS_REGISTRY_URL } : {}),
    artifactDir: joinPath(local, 'artifacts'),
    snapshotDir: joinPath(local, 'snapshots'),
    datasetRoots: Object.freeze([...c.MLOPS_DATASET_ROOTS, ...ownRoots]),
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
      maxCachedWorkflows: c.MLOPS_WORKER_MAX_CACHED_WORKFLOWS,
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
      predictionLogDir: joinPath(local, 'predictions'),
      labelDir: joinPath(local, 'labels'),
      retrainDir: joinPath(local, 'retrain'),
      flushMs: c.MLOPS_PREDICTION_FLUSH_MS,
    }),
    blob: Object.freeze(blob),
    devMode: c.MLOPS_DEV_MODE,
    ...(encryption ? { encryption } : {}),
    codecServer: Object.freeze({
      host: c.MLOPS_CODEC_HOST,
      port: c.MLOPS_CODEC_PORT,
      ...(c.MLOPS_CODEC_TOKEN ? { token: c.MLOPS_CODEC_TOKEN } : {}),
    }),
  });
}

/** Settings whose values are secret by name: a config error says how long the value was, never what it was. */
const secretSetting = /(TOKEN|SECRET|PASSWORD|CREDENTIALS?|_KEYS?)$/;

/** A value for a config error message: secrets hidden, passwords inside URLs masked. */
function describeValue(name: string, env: Record<string, string | undefined>): string {
  const value = env[name];
  if (value === undefined) return 'nothing';
  if (secretSetting.test(name)) return `a hidden value of ${value.length} characters`;
  return JSON.stringify(hidePassword(value));
}

function encryptionConfig(list: string | undefined, keysFile: string | undefined, currentKeyId: string | undefined) {
  if (list === undefined && keysFile === undefined) {
    if (currentKeyId !== undefined) throw new ConfigError(['MLOPS_PAYLOAD_KEY_ID: set, but no MLOPS_PAYLOAD_KEYS or MLOPS_PAYLOAD_KEYS_FILE']);
    return undefined;
  }
  const payloadKeys = list === undefined ? [] : parsePayloadKeys(list).keys;
  if (list !== undefined && !currentPayloadKey(payloadKeys, currentKeyId)) {
    throw new ConfigError([`MLOPS_PAYLOAD_KEY_ID: no key "${currentKeyId}" in MLOPS_PAYLOAD_KEYS`]);
  }
  return Object.freeze({
    payloadKeys: Object.freeze(payloadKeys),
    ...(list === undefined && keysFile !== undefined ? { keysFile } : {}),
    ...(currentKeyId !== undefined ? { currentKeyId } : {}),
  });
}

/**
 * Refuses the built-in admin token outside dev mode, so a model server is never reachable with a token
 * printed in this repository's README.
 * @throws ConfigError naming MLOPS_ADMIN_TOKEN and MLOPS_DEV_MODE
 */
export function assertProductionSecrets(config: AppConfig): void {
  if (!config.devMode && config.server.adminToken === DEV_ADMIN_TOKEN) {
    throw new ConfigError([
      'MLOPS_ADMIN_TOKEN: the built-in development token is refused; set a token of your own, ' +
        'or MLOPS_DEV_MODE=true for local use',
    ]);
  }
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
