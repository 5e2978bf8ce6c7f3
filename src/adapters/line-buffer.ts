/**
 * Text lines kept as UTF-8 bytes outside the JS heap until they are written. Held as strings, thousands of
 * buffered lines outlived the young generation and were copied into the old one before each flush (a large
 * share of the model server's GC under batch load), and the flush then converted one big joined string.
 */
export class LineBuffer {
  private readonly full: Buffer[] = [];
  private current: Buffer;
  private used = 0;
  /** Lines appended. */
  count = 0;

  constructor(private readonly chunkBytes = 256 * 1024) {
    this.current = Buffer.allocUnsafe(chunkBytes);
  }

  /** Appends `line` and a newline. */
  append(line: string): void {
    const worstCase = line.length * 3 + 1; // UTF-8 needs at most 3 bytes per UTF-16 unit
    if (this.used + worstCase > this.current.length) {
      if (this.used > 0) this.full.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafe(Math.max(this.chunkBytes, worstCase));
      this.used = 0;
    }
    this.used += this.current.write(line, this.used);
    this.current[this.used++] = 0x0a;
    this.count++;
  }

  /** Everything appended, in order, as one Buffer. */
  bytes(): Buffer {
    return Buffer.concat(this.used > 0 ? [...this.full, this.current.subarray(0, this.used)] : this.full);
  }

  /** This buffer's lines followed by `later`'s (a failed write's lines go back before the newer ones). */
  prependTo(later: LineBuffer | undefined): LineBuffer {
    if (!later) return this;
    const merged = new LineBuffer(this.chunkBytes);
    merged.full.push(this.bytes(), later.bytes());
    merged.count = this.count + later.count;
    return merged;
  }
}
