/**
 * Pieces of JSON text for writers that build it by hand (the model server's answers, the prediction log's
 * lines): the same characters JSON.stringify writes, without an object to stringify.
 */

/** A number as JSON.stringify writes it (non-finite numbers become null). */
export const jsonNumber = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

/** `"a":`, `,"b":`, … — the key of each name, comma-led after the first, to follow with its value. */
export const jsonKeyPrefixes = (names: readonly string[]): string[] =>
  names.map((name, i) => `${i === 0 ? '' : ','}${JSON.stringify(name)}:`);
