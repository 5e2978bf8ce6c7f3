import { jsonKeyPrefixes, jsonNumber, type FeatureValue, type PredictionRole, type ScoredRequest } from '../domain';
import { LineBuffer, writeShortAscii } from './line-buffer';

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
    const short = writeShortAscii(this.buf, this.off + 4, s);
    const n = short >= 0 ? short : this.buf.write(s, this.off + 4);
    this.view.setUint32(this.off, n, true);
    this.off += 4 + n;
  }
}

/** The parts of a schema's lines that never change, as UTF-8 bytes made once per chunk. */
interface Schema {
  readonly model: string;
  readonly featureCount: number;
  readonly classCount: number;
  /** `,"model":…,"version":…,"role":…,"features":{`. */
  readonly where: Buffer;
  /** `"name":` of each feature, comma-led after the first. */
  readonly featureKeys: Buffer[];
  /** The same for each class, and each class as a label: `},"label":"sun","probabilities":{`. */
  readonly classKeys: Buffer[];
  readonly labels: Buffer[];
}

/** One log line of a chunk, with what names its file. */
export interface DecodedLine {
  readonly model: string;
  /** ISO-8601 time of the record. */
  readonly at: string;
  readonly json: string;
}

/** `000` … `999`. */
const MILLIS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let isoSecond = NaN;
let isoPrefix = '';

/**
 * `new Date(ms).toISOString()`, with the part up to the second made once per second: formatting a Date for every
 * request was the writer's largest cost of its own on 1-row traffic.
 */
function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20); // `YYYY-MM-DDTHH:MM:SS.`
    isoSecond = second;
  }
  return `${isoPrefix}${MILLIS[ms - second * 1000] as string}Z`;
}

const bytes = (text: string) => Buffer.from(text, 'utf8');
const NULL = bytes('null');
const TRUE = bytes('true');
const FALSE = bytes('false');
const ROW_KEY = bytes(',"row":');
const LINE_END = bytes('}}');
const VALUE_LABEL = bytes('},"label":');
const NO_PROBABILITIES = bytes(',"probabilities":{');

/**
 * Writes the chunk's records as log lines, in the order they were recorded, into the buffer `linesOf` gives for
 * each record's model and time (ISO-8601 and ms since the epoch; asked once per request: its rows share both). Each line is the JSON.stringify of
 * its PredictionRecord (`scoredRecords`, same keys in the same order), written as bytes from pieces — no record
 * object and no line string. Returns the number of lines.
 */
export function decodeChunkInto(chunk: Uint8Array, linesOf: (model: string, at: string, atMs: number) => LineBuffer): number {
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
  const schemas: Schema[] = [];
  let lines = 0;
  while (off < buf.length) {
    const tag = u8();
    if (tag === TAG_SCHEMA) {
      const model = str();
      const version = u32();
      const role = ROLES[u8()] as PredictionRole;
      const features = Array.from({ length: u32() }, () => {
        const name = str();
        u8(); // the feature's type: the lines write each value as it came
        return name;
      });
      const classes = u8() === 0 ? Array.from({ length: u32() }, str) : null;
      schemas.push({
        model,
        featureCount: features.length,
        classCount: classes?.length ?? 0,
        where: bytes(`,"model":${JSON.stringify(model)},"version":${version},"role":${JSON.stringify(role)},"features":{`),
        featureKeys: jsonKeyPrefixes(features).map(bytes),
        classKeys: jsonKeyPrefixes(classes ?? []).map(bytes),
        labels: (classes ?? []).map((c) => bytes(`},"label":${JSON.stringify(c)},"probabilities":{`)),
      });
    } else if (tag === TAG_SCORED) {
      const schema = schemas[u32()] as Schema;
      const requestId = `{"requestId":${JSON.stringify(str())}`;
      const atMs = f64();
      const at = isoTime(atMs);
      const atJson = `,"at":"${at}"`;
      const n = u32();
      const out = linesOf(schema.model, at, atMs);
      for (let r = 0; r < n; r++) {
        out.text(requestId);
        out.put(ROW_KEY);
        out.text(String(r));
        out.text(atJson);
        out.put(schema.where);
        for (let f = 0; f < schema.featureCount; f++) {
          out.put(schema.featureKeys[f] as Buffer);
          const kind = u8();
          if (kind === VALUE_NUMBER) out.text(jsonNumber(f64()));
          else if (kind === VALUE_STRING) out.text(JSON.stringify(str()));
          else out.put(kind === VALUE_NULL ? NULL : kind === VALUE_TRUE ? TRUE : FALSE);
        }
        if (schema.classCount === 0) {
          out.put(VALUE_LABEL);
          out.text(JSON.stringify(String(f64())));
          out.put(NO_PROBABILITIES);
        } else {
          out.put(schema.labels[u32()] as Buffer);
          for (let c = 0; c < schema.classCount; c++) {
            out.put(schema.classKeys[c] as Buffer);
            out.text(jsonNumber(f64()));
          }
        }
        out.put(LINE_END);
        out.endLine();
      }
      lines += n;
    } else if (tag === TAG_LINE) {
      const model = str();
      const at = str();
      linesOf(model, at, Date.parse(at)).append(str());
      lines++;
    } else throw new Error(`prediction log chunk: unknown record tag ${tag} at byte ${off - 1}`);
  }
  return lines;
}

/** The chunk's lines as strings, in order, each with its model and time (tests and tools; the writer uses bytes). */
export function decodeChunk(chunk: Uint8Array): DecodedLine[] {
  const requests: { model: string; at: string; lines: LineBuffer }[] = [];
  decodeChunkInto(chunk, (model, at) => {
    const lines = new LineBuffer(1024);
    requests.push({ model, at, lines });
    return lines;
  });
  return requests.flatMap(({ model, at, lines }) =>
    lines.bytes().toString('utf8').split('\n').slice(0, lines.count).map((json) => ({ model, at, json })));
}
