import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeChunkInto } from './prediction-log-codec';
import { predictionLogLayout } from './prediction-log-layout';
import { LineBuffer } from './line-buffer';

/** What one `writePending` did: the files it appended to, and the error that stopped it (lines kept). */
export interface WriteOutcome {
  readonly files: string[];
  readonly error: Error | null;
}

/**
 * The prediction log's files, on the writer thread: lines wait by file until `writePending` appends them. A
 * failed append keeps its lines at the head of that file's queue for the next attempt (nothing is dropped while
 * the process lives), and the next line written to that file starts on a fresh line (it may end in a torn one).
 */
export class PredictionLogFiles {
  private pending = new Map<string, LineBuffer>();
  /** File of each model and hour seen (`model \u0001 hour`), and the directories known to exist. */
  private readonly paths = new Map<string, string>();
  private readonly madeDirs = new Set<string>();
  private readonly interrupted = new Set<string>();
  /** Lines written since the start. */
  written = 0;

  constructor(
    private readonly dir: string,
    private readonly writer: string,
  ) {}

  /** Lines waiting for the disk. */
  get buffered(): number {
    let n = 0;
    for (const lines of this.pending.values()) n += lines.count;
    return n;
  }

  /**
   * Adds a chunk's records (prediction-log-codec.ts) as lines of their files — all or none: a chunk that does not
   * decode leaves no torn line behind.
   */
  addChunk(chunk: Uint8Array): void {
    const decoded = new Map<string, LineBuffer>();
    // Requests come in runs of one model and hour: the last one's buffer, without working out its path again.
    let last: { model: string; hour: number; buffer: LineBuffer } | null = null;
    decodeChunkInto(chunk, (model, at, atMs) => {
      const hour = Math.floor(atMs / 3_600_000);
      if (last && last.model === model && last.hour === hour) return last.buffer;
      const path = this.pathOf(model, at);
      let buffer = decoded.get(path);
      if (!buffer) decoded.set(path, (buffer = new LineBuffer()));
      last = { model, hour, buffer };
      return buffer;
    });
    for (const [path, lines] of decoded) this.pending.set(path, this.pending.get(path)?.prependTo(lines) ?? lines);
  }

  async writePending(): Promise<WriteOutcome> {
    const groups = this.pending;
    this.pending = new Map();
    const files: string[] = [];
    try {
      for (const [path, lines] of groups) {
        const dir = dirname(path);
        if (!this.madeDirs.has(dir)) {
          await mkdir(dir, { recursive: true });
          this.madeDirs.add(dir);
        }
        const lead = this.interrupted.delete(path) ? '\n' : '';
        await appendFile(path, lead ? Buffer.concat([Buffer.from(lead), lines.bytes()]) : lines.bytes());
        files.push(path);
        this.written += lines.count;
      }
      return { files, error: null };
    } catch (err) {
      this.madeDirs.clear(); // a directory may have gone away: check them all again
      for (const [path, lines] of groups) {
        if (files.includes(path)) continue;
        this.interrupted.add(path);
        this.pending.set(path, lines.prependTo(this.pending.get(path))); // older lines first
      }
      return { files, error: err as Error };
    }
  }

  private pathOf(model: string, at: string): string {
    const hour = predictionLogLayout.hourKey(at);
    const key = `${model}\u0001${hour}`;
    let path = this.paths.get(key);
    if (path === undefined) {
      if (this.paths.size > 1000) this.paths.clear(); // one entry per model and hour: keep it from growing forever
      path = join(predictionLogLayout.modelDir(this.dir, model), predictionLogLayout.fileName(hour, this.writer));
      this.paths.set(key, path);
    }
    return path;
  }
}
