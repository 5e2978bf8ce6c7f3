import { filterFunctions, type FilterExpr, type FilterLiteral, type FilterOperand } from '../domain';
import { quoteIdent, quoteString } from './duckdb-sql';

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function literal(l: FilterLiteral): string {
  switch (l.kind) {
    case 'string':
      return quoteString(l.value);
    case 'number':
      // Re-checked here: the tree is only ever built by the parser, but the compiler trusts nothing.
      if (!NUMBER.test(l.value)) throw new Error(`not a number literal: ${l.value}`);
      return l.value;
    case 'boolean':
      return l.value ? 'TRUE' : 'FALSE';
    case 'date':
      return `DATE ${quoteString(l.value)}`;
    case 'timestamp':
      return `TIMESTAMP ${quoteString(l.value)}`;
  }
}

function operand(o: FilterOperand): string {
  switch (o.kind) {
    case 'column':
      return quoteIdent(o.name);
    case 'literal':
      return literal(o.literal);
    case 'call':
      if (!Object.hasOwn(filterFunctions, o.fn)) throw new Error(`function not allowed: ${o.fn}`);
      return `${o.fn}(${o.args.map(operand).join(', ')})`;
  }
}

/**
 * DuckDB SQL for a parsed dataset filter: every name is a quoted identifier, every value a quoted
 * literal, every operator one of ours — the user's text is never part of it.
 */
export function compileFilter(e: FilterExpr): string {
  const not = (negated: boolean) => (negated ? 'NOT ' : '');
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${e.args.map(compileFilter).join(e.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${compileFilter(e.arg)})`;
    case 'compare':
      return `(${operand(e.left)} ${e.op} ${operand(e.right)})`;
    case 'in':
      return `(${operand(e.operand)} ${not(e.negated)}IN (${e.values.map(literal).join(', ')}))`;
    case 'between':
      return `(${operand(e.operand)} ${not(e.negated)}BETWEEN ${operand(e.low)} AND ${operand(e.high)})`;
    case 'is-null':
      return `(${operand(e.operand)} IS ${not(e.negated)}NULL)`;
    case 'like':
      return `(${operand(e.operand)} ${not(e.negated)}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${quoteString(e.pattern)})`;
  }
}
