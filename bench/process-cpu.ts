/** CPU accounting of benchmark processes from /proc (Linux): who spent the machine's time during a phase. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** User + system CPU seconds of one process (its own threads; not children), or of one of its threads. */
export function cpuSecondsOf(pid: number, tid?: number): number {
  try {
    const file = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
    const stat = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(stat[11] ?? 0) + Number(stat[12] ?? 0)) / 100;
  } catch {
    return 0; // gone
  }
}

/** CPU seconds all of the machine's CPUs have spent busy (not idle or waiting on I/O), from /proc/stat. */
export function machineCpuSeconds(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** The pids of a process and all its descendants (a CLI wrapper and the server it runs, say). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while listing
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

/** CPU seconds of a process tree. */
export const cpuSecondsOfTree = (root: number): number => processTree(root).reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);

/** The dev server's pid, from the pid file `scripts/temporal-server.sh` writes; null when there is none. */
export function devServerPid(root: string, address: string): number | null {
  const port = address.split(':').pop();
  try {
    return Number(readFileSync(join(root, '.data', `temporal-${port}.pid`), 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

/** A process to meter; `tree` adds its descendants (a CLI wrapper's server), else its own threads only. */
export interface MeteredProcess {
  readonly pid: number | null | undefined;
  readonly tree?: boolean;
}

/** Snapshots CPU seconds of named processes; `perUnit(before, n)` gives each one's CPU ms per unit of work. */
export class CpuMeter {
  constructor(private readonly processes: Readonly<Record<string, MeteredProcess>>) {}

  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, { pid, tree }] of Object.entries(this.processes)) {
      if (pid) out[name] = tree ? cpuSecondsOfTree(pid) : cpuSecondsOf(pid);
    }
    return out;
  }

  /** `name 123 ms` per unit for each process, and the total, between a snapshot and now. */
  perUnit(before: Record<string, number>, units: number): string {
    const now = this.snapshot();
    const parts = Object.keys(before).map((name) => [name, (((now[name] ?? 0) - (before[name] ?? 0)) * 1000) / units] as const);
    const total = parts.reduce((s, [, ms]) => s + ms, 0);
    return `${parts.map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ')} — total ${total.toFixed(0)} ms`;
  }
}
