import { scoredRecords, type PredictionRecord, type PredictionSink, type ScoredRequest } from '../domain';

/** An in-memory sink keeping the newest `capacity` records; for tests and for a quick look at live traffic. */
export class PredictionRing implements PredictionSink {
  private readonly buffer: (PredictionRecord | undefined)[];
  private written = 0;

  constructor(readonly capacity = 10_000) {
    this.buffer = new Array<PredictionRecord | undefined>(capacity);
  }

  record(p: PredictionRecord): void {
    this.buffer[this.written++ % this.capacity] = p;
  }

  recordScored(s: ScoredRequest): void {
    for (const p of scoredRecords(s)) this.record(p);
  }

  /** The records held, oldest first. */
  recent(): PredictionRecord[] {
    const n = Math.min(this.written, this.capacity);
    const start = this.written - n;
    return Array.from({ length: n }, (_, i) => this.buffer[(start + i) % this.capacity] as PredictionRecord);
  }

  backpressure(): null {
    return null;
  }

  async flush(): Promise<void> {}
}
