/**
 * What a DuckDB error says, in one line: its first line plus the line that explains it when there is one
 * (e.g. "Invalid unicode (byte sequence mismatch) detected. This file is not utf-8 encoded."), without the
 * offending line's content, the sniffer's settings or the SQL text.
 */
export function duckDbReason(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  const lines = (typeof message === 'string' ? message : String(err)).split('\n').map((l) => l.trim());
  const [first = '', ...rest] = lines;
  const explanation = rest.find((l) => l !== '' && !/^(Original Line|Possible Solution|LINE \d+|file =)/.test(l));
  const details = rest.findIndex((l) => l.startsWith('Possible Solution') || l.startsWith('file ='));
  const beforeDetails = explanation !== undefined && rest.indexOf(explanation) < details;
  return explanation && beforeDetails ? `${first} — ${explanation}` : first;
}
