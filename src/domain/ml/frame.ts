/**
 * Columnar data for training and evaluation: one typed array per column, never one object per row.
 * Numerics are doubles (NaN = missing or non-finite); categoricals are dictionary codes (-1 = missing).
 */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly values: Float64Array;
}

export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly codes: Int32Array;
  /** Distinct values in the user's text form; `codes` index into it. */
  readonly dictionary: readonly string[];
}

export type Column = NumericColumn | CategoricalColumn;

export interface Frame {
  readonly rows: number;
  readonly columns: Readonly<Record<string, Column>>;
}

export function column(frame: Frame, name: string): Column {
  const c = frame.columns[name];
  if (!c) throw new Error(`column "${name}" is not in the frame`);
  return c;
}

export function categoricalColumn(frame: Frame, name: string): CategoricalColumn {
  const c = column(frame, name);
  if (c.kind !== 'categorical') throw new Error(`column "${name}" is numeric, a categorical column was expected`);
  return c;
}

/** The rows at `indices`, in that order (dictionaries are shared, not copied). */
export function takeRows(frame: Frame, indices: ArrayLike<number>): Frame {
  const n = indices.length;
  const columns: Record<string, Column> = {};
  for (const [name, c] of Object.entries(frame.columns)) {
    if (c.kind === 'numeric') {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = c.values[indices[i] as number] as number;
      columns[name] = { kind: 'numeric', values };
    } else {
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = c.codes[indices[i] as number] as number;
      columns[name] = { kind: 'categorical', codes, dictionary: c.dictionary };
    }
  }
  return { rows: n, columns };
}

/** Each row's value of a categorical column as text (null where missing): shared dictionary strings, no copies. */
export function textValues(c: CategoricalColumn): (string | null)[] {
  return Array.from(c.codes, (code) => (code < 0 ? null : (c.dictionary[code] as string)));
}
