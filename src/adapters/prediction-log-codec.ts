import { jsonKeyPrefixes, jsonNumber, type FeatureValue, type PredictionRole, type ScoredRequest } from '../domain';

/**
 * The binary form in which the model server hands what it scored to the prediction log's writer thread.
 * Encoding only copies numbers and string bytes into a growing buffer — no number formatting, no object per
 * row — so the request thread pays a fraction of a microsecond per row; the writer thread turns the chunk into
 * the log's JSON lines (CPU profiles of the 1-row predict path had JSON.stringify of the records as the largest
 * cost of our own code). A chunk is self-contained: it carries the schemas (model, version, role, features,
 * classes) its requests refer to.
 */
const TAG_SCHEMA = 1;
const TAG_SCORED = 2;
/** A record already in JSON (the generic `record()` path: tests, tools), with its model and time for the file. */
const TAG_LINE = 3;

const VALUE_NULL = 0;
const VALUE_NUMBER = 1;
const VALUE_STRING = 2;
const VALUE_FALSE = 3;
const VALUE_TRUE = 4;

const ROLES: readonly PredictionRole[] = ['primary', 'canary', 'shadow'];

type SchemaSource = Pick<ScoredRequest, 'model' | 'version' | 'role'>;

export class ChunkEncoder {
  private buf: Buffer;
  private view: DataView;
  private off = 0;
  /**
   * Schemas of this chunk (their id is the index), by model, version and role (a version's features and classes
   * never change): found in a scan of the few a chunk holds, with no key string to build and hash per request.
   */
  private schemas: SchemaSource[] = [];
  /** Records (rows) in this chunk. */
  records = 0;

  // allocUnsafeSlow: never a slice of Node's shared pool, so the chunk's whole ArrayBuffer can be transferred.
  constructor(private readonly initialBytes = 512 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  get isEmpty(): boolean {
    return this.off === 0;
  }

  /** Bytes written into this chunk so far. */
  get bytes(): number {
    return this.off;
  }

  /** The chunk written so far, as its own ArrayBuffer-backed Buffer (transferable); the encoder starts afresh. */
  take(): Buffer {
    const chunk = this.buf.subarray(0, this.off);
    this.buf = Buffer.allocUnsafeSlow(this.initialBytes);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.off = 0;
    this.schemas = [];
    this.records = 0;
    return chunk;
  }

  scored(s: ScoredRequest): void {
    const schema = this.schemaOf(s);
    this.u8(TAG_SCORED);
    this.u32(schema);
    this.str(s.requestId);
    this.f64(s.at);
    this.u32(s.rows.length);
    const o = s.outcome;
    const k = o.kind === 'classification' ? o.classes.length : 0;
    for (let r = 0; r < s.rows.length; r++) {
      const row = s.rows[r] as Readonly<Record<string, FeatureValue>>;
      for (let f = 0; f < s.features.length; f++) this.value(row[(s.features[f] as { name: string }).name]);
      if (o.kind === 'regression') {
        this.f64(o.values[r] as number);
        continue;
      }
      this.u32(o.labels[r] as number);
      for (let c = 0; c < k; c++) this.f64(o.probabilities[r * k + c] as number);
    }
    this.records += s.rows.length;
  }

  line(model: string, at: string, json: string): void {
    this.u8(TAG_LINE);
    this.str(model);
    this.str(at);
    this.str(json);
    this.records++;
  }

  private schemaOf(s: ScoredRequest): number {
    for (let i = this.schemas.length - 1; i >= 0; i--) {
      const known = this.schemas[i] as SchemaSource;
      if (known.role === s.role && known.version === s.version && known.model === s.model) return i;
    }
    const id = this.schemas.length;
    this.schemas.push({ model: s.model, version: s.version, role: s.role });
    this.u8(TAG_SCHEMA);
    this.str(s.model);
    this.u32(s.version);
    this.u8(ROLES.indexOf(s.role));
    this.u32(s.features.length);
    for (const f of s.features) {
      this.str(f.name);
      this.u8(f.type === 'numeric' ? 0 : 1);
    }
    const classes = s.outcome.kind === 'classification' ? s.outcome.classes : null;
    this.u8(classes ? 0 : 1);
    if (classes) {
      this.u32(classes.length);
      for (const c of classes) this.str(c);
    }
    return id;
  }

  private value(v: FeatureValue | undefined): void {
    if (typeof v === 'number') {
      this.u8(VALUE_NUMBER);
      this.f64(v);
    } else if (typeof v === 'string') {
      this.u8(VALUE_STRING);
      this.str(v);
    } else if (typeof v === 'boolean') this.u8(v ? VALUE_TRUE : VALUE_FALSE);
    else this.u8(VALUE_NULL);
  }

  private room(bytes: number): void {
    if (this.off + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.off + bytes));
    this.buf.copy(bigger, 0, 0, this.off);
    this.buf = bigger;
    this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
  }

  // DataView accessors: compiled to plain stores, unlike Buffer's checked write methods.
  private u8(v: number): void {
    this.room(1);
    this.view.setUint8(this.off++, v);
  }

  private u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.off, v, true);
    this.off += 4;
  }

  private f64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.off, v, true);
    this.off += 8;
  }

  private str(s: string): void {
    this.room(4 + s.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
    const start = this.off + 4;
    let n = 0;
    // Short ASCII (request ids, names): copied in a loop, cheaper than the call into C++ that Buffer.write makes.
    if (s.length <= 64) {
      for (; n < s.length; n++) {
        const c = s.charCodeAt(n);
        if (c > 0x7f) break;
        this.buf[start + n] = c;
      }
    }
    if (n < s.length) n = this.buf.write(s, start);
    this.view.setUint32(this.off, n, true);
    this.off += 4 + n;
  }
}

interface Schema {
  readonly features: { name: string; type: 'numeric' | 'categorical' }[];
  readonly classes: string[] | null;
  /** The JSON text every record of this schema shares, made once: `,"model":…,"version":…,"role":…`. */
  readonly where: string;
  readonly model: string;
  /** `"name":` of each feature and (classifiers) of each class, and each class as a label. */
  readonly featureKeys: string[];
  readonly classKeys: string[];
  readonly labels: string[];
}

/** One log line of a chunk, with what names its file. */
export interface DecodedLine {
  readonly model: string;
  /** ISO-8601 time of the record. */
  readonly at: string;
  readonly json: string;
}


/**
 * The chunk's records as log lines, in the order they were recorded: each line the JSON.stringify of its
 * PredictionRecord (`scoredRecords`, same keys in the same order), written directly — no record objects.
 */
export function decodeChunk(chunk: Uint8Array): DecodedLine[] {
  const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let off = 0;
  const u8 = () => view.getUint8(off++);
  const u32 = () => ((off += 4), view.getUint32(off - 4, true));
  const f64 = () => ((off += 8), view.getFloat64(off - 8, true));
  const str = () => {
    const n = u32();
    off += n;
    return buf.toString('utf8', off - n, off);
  };
  const value = (): string => {
    const tag = u8();
    if (tag === VALUE_NUMBER) return jsonNumber(f64());
    if (tag === VALUE_STRING) return JSON.stringify(str());
    return tag === VALUE_NULL ? 'null' : tag === VALUE_TRUE ? 'true' : 'false';
  };
  const schemas: Schema[] = [];
  const lines: DecodedLine[] = [];
  while (off < buf.length) {
    const tag = u8();
    if (tag === TAG_SCHEMA) {
      const model = str();
      const version = u32();
      const role = ROLES[u8()] as PredictionRole;
      const features = Array.from({ length: u32() }, () => ({ name: str(), type: u8() === 0 ? ('numeric' as const) : ('categorical' as const) }));
      const classes = u8() === 0 ? Array.from({ length: u32() }, str) : null;
      schemas.push({
        features,
        classes,
        model,
        where: `,"model":${JSON.stringify(model)},"version":${version},"role":${JSON.stringify(role)},"features":{`,
        featureKeys: jsonKeyPrefixes(features.map((f) => f.name)),
        classKeys: jsonKeyPrefixes(classes ?? []),
        labels: (classes ?? []).map((c) => `},"label":${JSON.stringify(c)},"probabilities":{`),
      });
    } else if (tag === TAG_SCORED) {
      const schema = schemas[u32()] as Schema;
      const head = `{"requestId":${JSON.stringify(str())},"row":`;
      const at = new Date(f64()).toISOString();
      const where = `,"at":"${at}"${schema.where}`;
      const n = u32();
      const k = schema.classes?.length ?? 0;
      for (let r = 0; r < n; r++) {
        let line = head + r + where;
        for (let f = 0; f < schema.features.length; f++) line += (schema.featureKeys[f] as string) + value();
        if (!schema.classes) line += `},"label":${JSON.stringify(String(f64()))},"probabilities":{`;
        else {
          line += schema.labels[u32()] as string;
          for (let c = 0; c < k; c++) line += (schema.classKeys[c] as string) + jsonNumber(f64());
        }
        lines.push({ model: schema.model, at, json: `${line}}}` });
      }
    } else if (tag === TAG_LINE) {
      const model = str();
      const at = str();
      lines.push({ model, at, json: str() });
    } else throw new Error(`prediction log chunk: unknown record tag ${tag} at byte ${off - 1}`);
  }
  return lines;
}
