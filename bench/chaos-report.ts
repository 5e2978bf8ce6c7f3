import type Database from 'better-sqlite3';

/**
 * What a chaos soak must never produce, read from the registry after it: each list must be empty.
 * - versions: a lifecycle (workflow id) that registered more than one version;
 * - decisions: a decision stored twice for one version and approver (registry table or audit trail);
 * - deployments: a version released more than once, or promoted to production more than once;
 * - approvedUndeployed: a version left `approved` with no deployment and no recorded reason.
 */
export function duplicateReport(db: Database.Database): Record<string, unknown[]> {
  const rows = (sql: string): unknown[] => db.prepare(sql).all();
  return {
    versions: rows(`SELECT workflow_id, count(*) AS n FROM model_versions GROUP BY workflow_id HAVING n > 1`),
    decisions: rows(`SELECT model_name, version, approver, count(*) AS n FROM decisions GROUP BY 1, 2, 3 HAVING n > 1`),
    auditedDecisions: rows(
      `SELECT workflow_id, actor, count(*) AS n FROM audit_events WHERE kind = 'decision.accepted'
         GROUP BY 1, 2 HAVING n > 1`,
    ),
    deployments: rows(
      `SELECT model_name, to_version, count(*) AS n FROM deployments WHERE kind = 'release' GROUP BY 1, 2 HAVING n > 1`,
    ),
    promotions: rows(`SELECT model_name, to_version, count(*) AS n FROM alias_history GROUP BY 1, 2 HAVING n > 1`),
    approvedUndeployed: rows(
      `SELECT v.model_name, v.version FROM model_versions v WHERE v.status = 'approved' AND v.status_reason IS NULL
         AND NOT EXISTS (SELECT 1 FROM deployments d WHERE d.model_name = v.model_name AND d.to_version = v.version)`,
    ),
  };
}
