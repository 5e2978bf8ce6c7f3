import type { DeploymentStatus, RolloutStep } from '../domain';
import { describeQueuePosition } from '../domain/rollout/deployment';

const stepLine = (s: RolloutStep, i: number): string => {
  const what = s.mode === 'canary' ? `${s.percent} % canary` : s.mode === 'shadow' ? 'shadow copy' : 'direct';
  const verdict = s.report ? ` — guards **${s.report.verdict}**: ${s.report.checks.map((c) => `${c.passed ? '✓' : '✗'} ${c.detail}`).join('; ')}` : '';
  return `${i + 1}. ${what} from ${s.startedAt}${s.extensions ? ` (+${s.extensions} bake extensions)` : ''}${verdict}`;
};

/** Markdown for the Temporal UI's "current details" of a deployment. */
export function renderDeploymentDetails(s: DeploymentStatus): string {
  const lines = [
    `**${s.model}** ${s.kind} v${s.fromVersion ?? '–'} → **v${s.toVersion}** — ${s.strategy}${s.strategy !== s.requestedStrategy ? ` (spec: ${s.requestedStrategy})` : ''}, state **${s.state}**${s.paused ? ' (PAUSED)' : ''}`,
    '',
    ...s.steps.map(stepLine),
  ];
  if (s.shadow) lines.push('', `shadow agreement: ${s.shadow.agreement === null ? 'no rows compared' : `${(s.shadow.agreement * 100).toFixed(1)} % of ${s.shadow.compared} rows`} → ${s.shadow.verdict}`);
  if (s.state === 'queued' && s.waitingFor) lines.push('', `queued: ${describeQueuePosition(s.model, s.waitingFor)}`);
  if (s.state === 'awaiting-decision') lines.push('', 'waiting for a person: signal **promote** or **abort** with {"actor": "<name>"}');
  const last = s.events[s.events.length - 1];
  if (last) lines.push('', `last command: ${last.kind} by ${last.actor}${last.accepted ? '' : ` (refused: ${last.note})`}`);
  if (s.outcomeReason) lines.push('', `**${s.outcomeReason}**`);
  return lines.join('\n');
}
