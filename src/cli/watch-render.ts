import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { ActivityProgress, WatchEvent } from '../client';

/** Turns watch events into output; `close` once the watch ended. */
export interface WatchRenderer {
  event(e: WatchEvent): void;
  close(): void;
}

const clock = (iso: string) => iso.slice(11, 19);

/** "train: iteration 40/500, loss 0.5312 (lbfgs)" or "ingest: ingest /data/weather.csv". */
export function describeProgress(p: ActivityProgress): string {
  const parts: string[] = [];
  if (p.epoch !== undefined) {
    const unit = p.solver === 'lbfgs' ? 'iteration' : 'epoch';
    parts.push(`${unit} ${p.epoch}${p.epochs !== undefined ? `/${p.epochs}` : ''}`);
    if (p.loss !== undefined) parts.push(`loss ${p.loss.toFixed(4)}`);
  } else if (p.step) parts.push(p.step);
  const retry = p.attempt > 1 ? ` (attempt ${p.attempt})` : '';
  return `${p.activityType}${retry}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

function endLine(e: Extract<WatchEvent, { type: 'end' }>): string {
  return e.reason === 'waiting-for-person'
    ? `${clock(e.at)} waiting for a person (${e.stage}): mlops pending --details`
    : `${clock(e.at)} run ${e.execution.toLowerCase()}${e.stage ? ` in stage ${e.stage}` : ''}`;
}

function stageLine(e: Extract<WatchEvent, { type: 'stage' }>, root: string): string {
  const who = e.workflowId === root ? '' : ` [${e.workflowId}]`;
  return `${clock(e.at)} stage ${e.stage}${who}`;
}

/** One JSON object a line, for scripts (`--json`). */
export function jsonRenderer(write: (line: string) => void): WatchRenderer {
  return { event: (e) => write(JSON.stringify(e)), close: () => {} };
}

/**
 * Plain lines for logs and pipes: every stage, every new step, and training progress at each tenth of the way
 * (a heartbeat every 2 s would otherwise flood a log).
 */
export function plainRenderer(write: (line: string) => void, root: string): WatchRenderer {
  const lastShown = new Map<string, string>();
  return {
    event(e) {
      if (e.type === 'stage') write(stageLine(e, root));
      else if (e.type === 'end') write(endLine(e));
      else if (e.type === 'progress') {
        const key = `${e.workflowId}/${e.activityId}`;
        const where = e.fraction !== undefined ? Math.floor(e.fraction * 10) : (e.step ?? '');
        const mark = `${e.attempt}:${where}`;
        if (lastShown.get(key) === mark) return;
        lastShown.set(key, mark);
        write(`${clock(e.at)}   ${describeProgress(e)}`);
      }
    },
    close: () => {},
  };
}

/** Progress bars (cli-progress) for a terminal: one per running step, stage changes printed above them. */
export function barRenderer(stream: NodeJS.WriteStream, root: string): WatchRenderer {
  const bars = new MultiBar(
    { format: ' {bar} {percentage}% | {label}', hideCursor: true, clearOnComplete: false, stream, forceRedraw: true },
    Presets.shades_classic,
  );
  const open = new Map<string, SingleBar>();
  return {
    event(e) {
      if (e.type === 'stage') bars.log(`${stageLine(e, root)}\n`);
      else if (e.type === 'end') bars.log(`${endLine(e)}\n`);
      else if (e.type === 'progress') {
        const key = `${e.workflowId}/${e.activityId}`;
        const total = e.epochs ?? 1;
        const value = e.epoch ?? 0;
        const bar = open.get(key);
        if (bar) {
          bar.setTotal(total);
          bar.update(value, { label: describeProgress(e) });
        } else open.set(key, bars.create(total, value, { label: describeProgress(e) }));
      } else {
        const key = `${e.workflowId}/${e.activityId}`;
        const bar = open.get(key);
        if (!bar) return;
        bar.update(bar.getTotal(), { label: `${e.activityType}: done` });
        open.delete(key);
      }
    },
    close: () => bars.stop(),
  };
}
