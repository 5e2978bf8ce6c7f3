/**
 * Copies `s` into `buf` at `off` as UTF-8 when it is short ASCII (request ids, names, numbers): a loop, cheaper
 * than the call into C++ that Buffer.write makes. Returns the bytes written, or -1 (nothing to trust) otherwise.
 */
export function writeShortAscii(buf: Buffer, off: number, s: string): number {
  if (s.length > 64) return -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return -1;
    buf[off + i] = c;
  }
  return s.length;
}

/**
 * Text lines kept as UTF-8 bytes outside the JS heap until they are written. Held as strings, thousands of
 * buffered lines outlived the young generation and were copied into the old one before each flush (a large
 * share of the model server's GC under batch load), and the flush then converted one big joined string.
 * A line is appended whole (`append`) or built from pieces (`put`, `text`, then `endLine`), which spares the
 * writer the line's string: the pieces go straight into the bytes.
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
    this.text(line);
    this.endLine();
  }

  /** Bytes of the line being built (a piece encoded once and reused). */
  put(piece: Uint8Array): void {
    this.room(piece.length);
    if (piece.length <= 32) for (let i = 0; i < piece.length; i++) this.current[this.used + i] = piece[i] as number;
    else this.current.set(piece, this.used);
    this.used += piece.length;
  }

  /** Text of the line being built, as UTF-8. */
  text(s: string): void {
    this.room(s.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
    const n = writeShortAscii(this.current, this.used, s);
    this.used += n >= 0 ? n : this.current.write(s, this.used);
  }

  /** Ends the line being built. */
  endLine(): void {
    this.room(1);
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

  /** Room for `bytes` more in the current block; a line's pieces may span blocks (joined in order when written). */
  private room(bytes: number): void {
    if (this.used + bytes <= this.current.length) return;
    if (this.used > 0) this.full.push(this.current.subarray(0, this.used));
    this.current = Buffer.allocUnsafe(Math.max(this.chunkBytes, bytes));
    this.used = 0;
  }
}
