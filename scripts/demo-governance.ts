/**
 * The governance part of `npm run demo`: the approval inbox while the run waits (Temporal visibility +
 * the status query), and the run's audit trail once it is over (the registry's append-only table).
 */
import type { Client } from '@temporalio/client';
import { listPendingApprovals } from '../src/client';
import { openRegistry } from '../src/adapters';
import type { AppConfig } from '../src/domain';

type Say = (text?: string) => void;

export async function showInbox(client: Client, config: AppConfig, workflowId: string, say: Say): Promise<void> {
  // Visibility is eventually consistent: give the listing a moment to include the run that just opened its gate.
  for (let attempt = 0; attempt < 20; attempt++) {
    const mine = (await listPendingApprovals(client, config)).find((p) => p.workflowId === workflowId);
    if (mine?.approval) {
      const votes = mine.approval.stages.map((s) => `${s.name} ${s.approvals.length}/${s.quorum}`).join(' → ');
      say(`▶ approval inbox (mlops pending): ${mine.model} v${mine.version}, requested by ${mine.requestedBy}, votes ${votes}, deadline ${mine.approval.deadline ?? 'none'}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  say('▶ approval inbox: the run is not listed yet (visibility lags); try: node dist/src/cli/main.js pending');
}

export async function showAuditTrail(config: AppConfig, workflowId: string, say: Say): Promise<void> {
  const registry = await openRegistry(config);
  try {
    const events = await registry.audit.list({ workflowId });
    say(`▶ audit trail of this run (mlops audit --workflow ${workflowId}): ${events.length} events, append-only`);
    for (const e of events) say(`  ${e.at}  ${e.kind.padEnd(24)} ${e.actor}`);
  } finally {
    await registry.close();
  }
}
