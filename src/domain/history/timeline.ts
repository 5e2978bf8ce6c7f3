import type { AuditEvent } from '../governance/audit';
import type { RetrainOutcome } from '../monitoring/report';
import type { MetricSummary } from '../lifecycle';
import { headlineMetrics } from '../metric-table';

/** One moment of a model's story. */
/** One move (or deletion) of an alias, as the registry's alias history keeps it. */
export interface AliasHistoryEntry {
  alias: string;
  fromVersion: number | null;
  /** null: the alias was deleted. */
  toVersion: number | null;
  movedAt: string;
  actor: string;
  workflowId: string | null;
  runId: string | null;
  reason: string | null;
}

/** One change of a version's tag, as the registry's tag history keeps it (`to` null: deleted). */
export interface TagChangeEntry {
  version: number;
  key: string;
  from: string | null;
  to: string | null;
  changedAt: string;
  actor: string;
}

export interface TimelineEntry {
  readonly at: string;
  readonly kind:
    | 'version.registered'
    | 'decision.accepted'
    | 'decision.refused'
    | 'approval.timed-out'
    | 'approval.escalated'
    | 'lifecycle.failed'
    | 'alias.moved'
    | 'alias.deleted'
    | 'tag.set'
    | 'tag.deleted'
    | 'deployment.started'
    | 'deployment.finished'
    | 'monitor.report'
    | 'retrain';
  readonly version: number | null;
  readonly actor: string | null;
  readonly summary: string;
  readonly workflowId: string | null;
  readonly runId: string | null;
}

/** The registry's records of a model that make up its timeline (structural: the adapters' rows fit). */
export interface TimelineSources {
  readonly versions: readonly {
    version: number;
    status: string;
    datasetId: string;
    datasetRows: number;
    metrics: MetricSummary;
    requestedBy: string;
    workflowId: string;
    runId: string;
    createdAt: string;
  }[];
  readonly audit: readonly AuditEvent[];
  readonly aliasMoves: readonly AliasHistoryEntry[];
  /** The version tags' change history (optional: a registry without tags has none). */
  readonly tagChanges?: readonly TagChangeEntry[];
  readonly deployments: readonly {
    id: number;
    kind: string;
    strategy: string;
    fromVersion: number | null;
    toVersion: number;
    state: string;
    startedAt: string;
    finishedAt: string | null;
    actor: string;
    workflowId: string;
    runId: string;
    outcomeReason: string | null;
  }[];
  readonly reports: readonly {
    id: string;
    version: number;
    windowStart: string;
    windowEnd: string;
    rows: number;
    verdict: string;
    driftShare: number;
    workflowId: string;
    runId: string;
    createdAt: string;
    retrain: RetrainOutcome | null;
  }[];
}

const AUDIT_KINDS = new Set(['decision.accepted', 'decision.refused', 'approval.timed-out', 'approval.escalated',
  'lifecycle.failed']);
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function auditSummary(e: AuditEvent): string {
  const d = e.details;
  const text = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  switch (e.kind) {
    case 'decision.accepted':
      return `${text('decision') ?? 'decision'} by ${e.actor}${text('comment') ? `: "${text('comment')}"` : ''}`;
    case 'decision.refused':
      return `${text('decision') ?? 'decision'} by ${e.actor} refused (${text('code') ?? 'refused'}): ` +
        (text('reason') ?? '');
    case 'lifecycle.failed':
      return `run failed: ${text('reason') ?? ''}`;
    default:
      return e.kind.replace('.', ' ');
  }
}

/**
 * A model's whole story in time order: versions with their data and metrics, decisions (accepted and refused),
 * alias moves, tag changes, deployments and rollbacks, monitor reports and the retrains they started.
 */
export function buildTimeline(s: TimelineSources): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const v of s.versions) {
    entries.push({
      at: v.createdAt,
      kind: 'version.registered',
      version: v.version,
      actor: v.requestedBy,
      summary: `v${v.version} registered (${v.status}): snapshot ${v.datasetId.slice(0, 12)}, ${v.datasetRows} rows; ` +
        headlineMetrics(v.metrics, '%'),
      workflowId: v.workflowId,
      runId: v.runId,
    });
  }
  for (const e of s.audit) {
    if (!AUDIT_KINDS.has(e.kind)) continue;
    const kind = e.kind as TimelineEntry['kind'];
    const { at, version, actor, workflowId, runId } = e;
    entries.push({ at, kind, version, actor, summary: auditSummary(e), workflowId, runId });
  }
  for (const m of s.aliasMoves) {
    const deleted = m.toVersion === null;
    const move = deleted ? `deleted (was v${m.fromVersion})`
      : `${m.fromVersion === null ? 'set to' : `v${m.fromVersion} →`} v${m.toVersion}`;
    entries.push({
      at: m.movedAt,
      kind: deleted ? 'alias.deleted' : 'alias.moved',
      version: m.toVersion ?? m.fromVersion,
      actor: m.actor,
      summary: `alias ${m.alias}: ${move}${m.reason ? ` (${m.reason})` : ''}`,
      workflowId: m.workflowId,
      runId: m.runId,
    });
  }
  for (const t of s.tagChanges ?? []) {
    const change = t.to === null ? `deleted (was "${t.from}")`
      : t.from === null ? `set to "${t.to}"` : `"${t.from}" → "${t.to}"`;
    entries.push({
      at: t.changedAt,
      kind: t.to === null ? 'tag.deleted' : 'tag.set',
      version: t.version,
      actor: t.actor,
      summary: `tag ${t.key} on v${t.version}: ${change}`,
      workflowId: null,
      runId: null,
    });
  }
  for (const d of s.deployments) {
    const what = `${d.kind} #${d.id} v${d.fromVersion ?? '–'} → v${d.toVersion} (${d.strategy})`;
    const common = { version: d.toVersion, actor: d.actor, workflowId: d.workflowId, runId: d.runId };
    entries.push({ at: d.startedAt, kind: 'deployment.started', summary: `${what} started`, ...common });
    if (d.finishedAt) {
      const outcome = `${what} ${d.state}${d.outcomeReason ? `: ${d.outcomeReason}` : ''}`;
      entries.push({ at: d.finishedAt, kind: 'deployment.finished', summary: outcome, ...common });
    }
  }
  for (const r of s.reports) {
    entries.push({
      at: r.createdAt,
      kind: 'monitor.report',
      version: r.version,
      actor: null,
      summary: `report ${r.id.slice(0, 12)}: ${r.verdict}, drift share ${r.driftShare.toFixed(2)}, ` +
        `${r.rows} predictions ` +
        `(${r.windowStart} – ${r.windowEnd})`,
      workflowId: r.workflowId,
      runId: r.runId,
    });
    if (r.retrain && r.retrain.action !== 'none') {
      entries.push({
        at: r.retrain.at,
        kind: 'retrain',
        version: r.version,
        actor: `monitor:${r.workflowId}`,
        summary: `retrain ${r.retrain.action}${r.retrain.kind ? ` on ${r.retrain.kind}` : ''}: ${r.retrain.detail}`,
        workflowId: r.retrain.workflowId ?? null,
        runId: r.retrain.runId ?? null,
      });
    }
  }
  // Stable: entries at the same instant keep the order above (registration before its decisions).
  return entries.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
}
