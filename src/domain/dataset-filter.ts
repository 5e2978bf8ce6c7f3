/**
 * The spec's `dataset.where`: a row predicate in a small SQL-like language that our own parser reads into an
 * expression tree. Only column references, literals, comparisons, AND/OR/NOT, IN, BETWEEN, IS [NOT] NULL,
 * [I]LIKE and an allow-list of scalar functions exist in it — no subqueries, table functions or statements —
 * so the user's text never reaches DuckDB: the adapter compiles the tree with quoted identifiers and literals.
 * Pure, so the workflow refuses a bad filter itself, and the CLI before it starts anything.
 */

import { z } from 'zod';

export type FilterLiteral =
  | { readonly kind: 'string'; readonly value: string }
  /** The number's text as written (validated), so large integers keep every digit. */
  | { readonly kind: 'number'; readonly value: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'date' | 'timestamp'; readonly value: string };

export type FilterOperand =
  | { readonly kind: 'column'; readonly name: string }
  | { readonly kind: 'literal'; readonly literal: FilterLiteral }
  | { readonly kind: 'call'; readonly fn: FilterFunction; readonly args: readonly FilterOperand[] };

export type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type FilterExpr =
  | { readonly kind: 'and' | 'or'; readonly args: readonly FilterExpr[] }
  | { readonly kind: 'not'; readonly arg: FilterExpr }
  | { readonly kind: 'compare'; readonly op: Comparison; readonly left: FilterOperand; readonly right: FilterOperand }
  | { readonly kind: 'in'; readonly negated: boolean; readonly operand: FilterOperand; readonly values: readonly FilterLiteral[] }
  | { readonly kind: 'between'; readonly negated: boolean; readonly operand: FilterOperand; readonly low: FilterOperand; readonly high: FilterOperand }
  | { readonly kind: 'is-null'; readonly negated: boolean; readonly operand: FilterOperand }
  | { readonly kind: 'like'; readonly negated: boolean; readonly caseInsensitive: boolean; readonly operand: FilterOperand; readonly pattern: string };

/** Scalar functions a filter may call, with their arity: date parts and a few text/number helpers. */
export const filterFunctions = {
  year: 1, quarter: 1, month: 1, week: 1, day: 1, dayofweek: 1, dayofyear: 1, hour: 1, minute: 1,
  lower: 1, upper: 1, trim: 1, length: 1, abs: 1, round: 1,
} as const;
export type FilterFunction = keyof typeof filterFunctions;

export class FilterSyntaxError extends Error {
  override name = 'FilterSyntaxError';
}

/** Not retried by the parser's backtracking: the whole filter is refused. */
class FilterTooComplexError extends FilterSyntaxError {}

type Token =
  | { readonly t: 'ident'; readonly v: string; readonly quoted: boolean; readonly at: number }
  | { readonly t: 'string' | 'number' | 'op'; readonly v: string; readonly at: number }
  | { readonly t: 'end'; readonly at: number };

const MAX_LENGTH = 1000;
const MAX_DEPTH = 32;
const NUMBER = /^\d+(\.\d+)?([eE][+-]?\d+)?/;
const BARE_IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATORS = ['<=', '>=', '<>', '!=', '==', '=', '<', '>', '(', ')', ',', '-'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
/** Words that are operators of the language, never column names (quote a column that has such a name). */
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'between', 'is', 'null', 'like', 'ilike', 'true', 'false']);
/** SQL words that start statements or subqueries: named in the refusal (quote a column that has such a name). */
const SQL_WORDS = new Set([
  'select', 'from', 'with', 'union', 'copy', 'to', 'into', 'attach', 'detach', 'install', 'load', 'pragma', 'set',
  'call', 'export', 'import', 'insert', 'update', 'delete', 'drop', 'create', 'alter', 'exists', 'case',
]);
/** Typed literal prefixes (`DATE '2015-01-01'`); followed by anything but a string they are column names. */
const TYPED_LITERALS = new Set(['date', 'timestamp']);
/** Backtracking over parentheses is bounded: a filter needing more steps than this is refused. */
const MAX_STEPS = 20_000;

/** Shown in refusals so the offending part is named: `near "read_csv(" at 12`. */
const near = (source: string, at: number): string => `"${source.slice(at, at + 20)}" at ${at + 1}`;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    const rest = source.slice(i);
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === "'" || ch === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= source.length) throw new FilterSyntaxError(`unterminated ${ch === "'" ? 'string' : 'quoted name'} starting ${near(source, i)}`);
        if (source[j] === ch && source[j + 1] === ch) {
          value += ch;
          j += 2;
        } else if (source[j] === ch) {
          break;
        } else {
          value += source[j];
          j += 1;
        }
      }
      tokens.push(ch === "'" ? { t: 'string', v: value, at: i } : { t: 'ident', v: value, quoted: true, at: i });
      i = j + 1;
    } else if (NUMBER.test(rest) || (ch === '.' && /^\.\d/.test(rest))) {
      const m = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(rest) as RegExpExecArray;
      tokens.push({ t: 'number', v: m[0], at: i });
      i += m[0].length;
    } else if (BARE_IDENT.test(rest)) {
      const m = BARE_IDENT.exec(rest) as RegExpExecArray;
      if (SQL_WORDS.has(m[0].toLowerCase())) {
        throw new FilterSyntaxError(`SQL keyword ${m[0].toUpperCase()} is not part of the filter language (no statements or subqueries) ${near(source, i)}`);
      }
      tokens.push({ t: 'ident', v: m[0], quoted: false, at: i });
      i += m[0].length;
    } else {
      const op = OPERATORS.find((o) => rest.startsWith(o));
      if (!op || rest.startsWith('--')) throw new FilterSyntaxError(`${ch === ';' ? 'statement separator' : rest.startsWith('--') ? 'comment' : 'unexpected character'} ${near(source, i)}`);
      tokens.push({ t: 'op', v: op, at: i });
      i += op.length;
    }
  }
  tokens.push({ t: 'end', at: source.length });
  return tokens;
}

/** Recursive descent over: or → and → not → predicate; operands are columns, literals and allowed calls. */
class Parser {
  private pos = 0;
  private depth = 0;
  private steps = 0;
  readonly columns = new Set<string>();

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }
  private next(): Token {
    const t = this.peek();
    this.pos += 1;
    return t;
  }
  private fail(t: Token, what: string): never {
    throw new FilterSyntaxError(t.t === 'end' ? `${what} at the end of the filter` : `${what}: ${near(this.source, t.at)}`);
  }
  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.t === 'ident' && !t.quoted && t.v.toLowerCase() === word;
  }
  private isOp(op: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === op;
  }
  private expectOp(op: string): void {
    if (!this.isOp(op)) this.fail(this.peek(), `expected "${op}"`);
    this.pos += 1;
  }
  private expectWord(word: string): void {
    if (!this.isWord(word)) this.fail(this.peek(), `expected ${word.toUpperCase()}`);
    this.pos += 1;
  }
  private nested<T>(fn: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) this.fail(this.peek(), `nested deeper than ${MAX_DEPTH} levels`);
    try {
      return fn();
    } finally {
      this.depth -= 1;
    }
  }

  parse(): FilterExpr {
    const expr = this.or();
    if (this.peek().t !== 'end') this.fail(this.peek(), 'unexpected text after the predicate');
    return expr;
  }

  private or(): FilterExpr {
    const args = [this.and()];
    while (this.isWord('or')) {
      this.pos += 1;
      args.push(this.and());
    }
    return args.length === 1 ? (args[0] as FilterExpr) : { kind: 'or', args };
  }

  private and(): FilterExpr {
    const args = [this.not()];
    while (this.isWord('and')) {
      this.pos += 1;
      args.push(this.not());
    }
    return args.length === 1 ? (args[0] as FilterExpr) : { kind: 'and', args };
  }

  private not(): FilterExpr {
    if (this.isWord('not')) {
      this.pos += 1;
      return this.nested(() => ({ kind: 'not', arg: this.not() }));
    }
    return this.predicate();
  }

  private predicate(): FilterExpr {
    this.steps += 1;
    if (this.steps > MAX_STEPS) throw new FilterTooComplexError('too complex (too many nested parentheses)');
    // "(" opens either a grouped predicate or a parenthesized operand; try the predicate, then backtrack.
    if (this.isOp('(')) {
      const start = this.pos;
      try {
        this.pos += 1;
        const inner = this.nested(() => this.or());
        this.expectOp(')');
        if (this.atPredicateEnd()) return inner;
      } catch (err) {
        if (!(err instanceof FilterSyntaxError) || err instanceof FilterTooComplexError) throw err;
      }
      this.pos = start;
    }
    const operand = this.operand();
    return this.comparisonOf(operand);
  }

  private atPredicateEnd(): boolean {
    const t = this.peek();
    return t.t === 'end' || this.isOp(')') || this.isWord('and') || this.isWord('or');
  }

  private comparisonOf(operand: FilterOperand): FilterExpr {
    const t = this.peek();
    if (t.t === 'op' && ['=', '==', '!=', '<>', '<', '<=', '>', '>='].includes(t.v)) {
      this.pos += 1;
      const op = (t.v === '==' ? '=' : t.v === '<>' ? '!=' : t.v) as Comparison;
      return { kind: 'compare', op, left: operand, right: this.operand() };
    }
    if (this.isWord('is')) {
      this.pos += 1;
      const negated = this.isWord('not');
      if (negated) this.pos += 1;
      this.expectWord('null');
      return { kind: 'is-null', negated, operand };
    }
    const negated = this.isWord('not');
    if (negated) this.pos += 1;
    if (this.isWord('in')) {
      this.pos += 1;
      this.expectOp('(');
      const values = [this.literal()];
      while (this.isOp(',')) {
        this.pos += 1;
        values.push(this.literal());
      }
      this.expectOp(')');
      return { kind: 'in', negated, operand, values };
    }
    if (this.isWord('between')) {
      this.pos += 1;
      const low = this.operand();
      this.expectWord('and');
      return { kind: 'between', negated, operand, low, high: this.operand() };
    }
    if (this.isWord('like') || this.isWord('ilike')) {
      const caseInsensitive = this.isWord('ilike');
      this.pos += 1;
      const p = this.next();
      if (p.t !== 'string') this.fail(p, 'LIKE needs a quoted pattern');
      return { kind: 'like', negated, caseInsensitive, operand, pattern: p.v };
    }
    return this.fail(this.peek(), 'expected a comparison (=, !=, <, <=, >, >=, IN, BETWEEN, IS NULL, LIKE)');
  }

  private operand(): FilterOperand {
    const t = this.peek();
    if (t.t === 'op' && t.v === '(') {
      this.pos += 1;
      const inner = this.nested(() => this.operand());
      this.expectOp(')');
      return inner;
    }
    if (t.t === 'ident' && !t.quoted && this.peek(1).t === 'op' && (this.peek(1) as { v: string }).v === '(') {
      const name = t.v.toLowerCase();
      if (!(name in filterFunctions)) this.fail(t, `function "${t.v}" is not allowed (allowed: ${Object.keys(filterFunctions).join(', ')})`);
      this.pos += 2;
      const args: FilterOperand[] = [];
      if (!this.isOp(')')) {
        args.push(this.nested(() => this.operand()));
        while (this.isOp(',')) {
          this.pos += 1;
          args.push(this.nested(() => this.operand()));
        }
      }
      this.expectOp(')');
      const arity = filterFunctions[name as FilterFunction];
      if (args.length !== arity) this.fail(t, `${name} takes ${arity} argument${arity === 1 ? '' : 's'}`);
      return { kind: 'call', fn: name as FilterFunction, args };
    }
    const typedLiteral = t.t === 'ident' && !t.quoted && TYPED_LITERALS.has(t.v.toLowerCase()) && this.peek(1).t === 'string';
    if (t.t === 'ident' && !typedLiteral && (t.quoted || !KEYWORDS.has(t.v.toLowerCase()))) {
      this.pos += 1;
      this.columns.add(t.v);
      return { kind: 'column', name: t.v };
    }
    return { kind: 'literal', literal: this.literal() };
  }

  private literal(): FilterLiteral {
    const t = this.next();
    if (t.t === 'string') return { kind: 'string', value: t.v };
    if (t.t === 'number') return { kind: 'number', value: t.v };
    const after = this.peek();
    if (t.t === 'op' && t.v === '-' && after.t === 'number') {
      this.pos += 1;
      return { kind: 'number', value: `-${after.v}` };
    }
    if (t.t === 'ident' && !t.quoted) {
      const word = t.v.toLowerCase();
      if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true' };
      if ((word === 'date' || word === 'timestamp') && this.peek().t === 'string') {
        const v = this.next() as { v: string; at: number; t: 'string' };
        const pattern = word === 'date' ? DATE : TIMESTAMP;
        if (!pattern.test(v.v)) this.fail(v, `${word.toUpperCase()} needs a quoted ${word === 'date' ? "'YYYY-MM-DD'" : "'YYYY-MM-DD HH:MM[:SS]'"} value`);
        return { kind: word, value: v.v };
      }
    }
    return this.fail(t, 'expected a column, a literal or an allowed function');
  }
}

export interface ParsedFilter {
  readonly expr: FilterExpr;
  /** Every column the filter names: the adapter checks them against the dataset before running anything. */
  readonly columns: readonly string[];
}

/**
 * Parses a `where` predicate into an expression tree.
 * @throws FilterSyntaxError naming the offending part (position is 1-based).
 * @example parseDatasetFilter("location = 'Seattle' AND year(date) >= 2014")
 */
export function parseDatasetFilter(source: string): ParsedFilter {
  if (source.length > MAX_LENGTH) throw new FilterSyntaxError(`longer than ${MAX_LENGTH} characters`);
  if (!source.trim()) throw new FilterSyntaxError('empty predicate');
  const parser = new Parser(source, tokenize(source));
  const expr = parser.parse();
  return { expr, columns: [...parser.columns] };
}

/** The problem with a predicate, or null when it parses. */
export function datasetFilterProblem(source: string): string | null {
  try {
    parseDatasetFilter(source);
    return null;
  } catch (err) {
    if (err instanceof FilterSyntaxError) return `not an allowed filter: ${err.message} (see "Dataset filters" in the README)`;
    throw err;
  }
}

/** A spec's `where`: refused by the schema itself, so the CLI and the workflow both refuse it before any work. */
export const datasetWhereSchema = z
  .string()
  .max(MAX_LENGTH)
  .superRefine((source, ctx) => {
    const problem = datasetFilterProblem(source);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
