import { compileFilter } from '../../src/adapters';
import { datasetFilterProblem, parseDatasetFilter, parseModelSpec } from '../../src/domain';

const compiled = (where: string) => compileFilter(parseDatasetFilter(where).expr);

test.each([
  ["location = 'Seattle'", `("location" = 'Seattle')`],
  ["location <> 'Seattle' AND wind >= 2.5", `(("location" != 'Seattle') AND ("wind" >= 2.5))`],
  ["year(date) BETWEEN 2013 AND 2014 OR NOT (temp_max < -3.5)", `((year("date") BETWEEN 2013 AND 2014) OR (NOT ("temp_max" < -3.5)))`],
  ["weather NOT IN ('fog', 'drizzle')", `("weather" NOT IN ('fog', 'drizzle'))`],
  ['precipitation IS NOT NULL', `("precipitation" IS NOT NULL)`],
  ["lower(location) ilike 'new%'", `(lower("location") ILIKE 'new%')`],
  ["date >= DATE '2015-01-01' and date < TIMESTAMP '2015-07-01 12:00'", `(("date" >= DATE '2015-01-01') AND ("date" < TIMESTAMP '2015-07-01 12:00'))`],
  [`"from" = 'it''s' AND "a""b" = 1e3`, `(("from" = 'it''s') AND ("a""b" = 1e3))`],
  ['((a = 1) or (b = 2)) and c == true', `((("a" = 1) OR ("b" = 2)) AND ("c" = TRUE))`],
])('%s compiles to quoted SQL', (where, sql) => {
  expect(compiled(where)).toBe(sql);
});

test('columns named by the filter are listed for the dataset check', () => {
  expect(parseDatasetFilter("year(date) = 2015 AND (location = 'x' OR \"date\" IS NULL)").columns).toEqual(['date', 'location']);
});

test.each([
  ["1=1) TO '/tmp/owned.csv' (header", /SQL keyword TO/],
  ['a = 1) OR (b = 2', /unexpected text after the predicate: "\) OR/],
  ["location = 'a'; DROP TABLE t", /statement separator/],
  ['1=1 -- trailing comment', /comment/],
  ['1=1 /* block */', /unexpected character "\/\*/],
  ["x IN (SELECT * FROM read_csv('/etc/passwd'))", /SQL keyword SELECT/],
  ["read_parquet('/etc/x') IS NULL", /function "read_parquet" is not allowed/],
  ["glob('/etc/*') = 'x'", /function "glob" is not allowed/],
  ["getenv('HOME') = 'x'", /function "getenv" is not allowed/],
  ["x = 1 UNION SELECT 1", /SQL keyword UNION/],
  ["COPY t TO 'x'", /SQL keyword COPY/],
  ['year(a, b) = 1', /year takes 1 argument/],
  ["x = 'unterminated", /unterminated string/],
  ['x = NULL', /expected a column, a literal/],
  ["d > DATE 'yesterday'", /DATE needs a quoted 'YYYY-MM-DD' value/],
  ['', /empty predicate/],
  [`${'('.repeat(40)}a${')'.repeat(40)} = 1`, /nested deeper than 32 levels|too complex/],
  ['a = 1 AND', /at the end of the filter/],
])('refuses %s', (where, message) => {
  expect(() => parseDatasetFilter(where)).toThrow(message);
});

test('the spec schema refuses a bad filter with its path, so CLI and workflow refuse it before any work', () => {
  const parsed = parseModelSpec({ name: 'm1', dataset: { path: 'x.csv', where: "1=1; COPY (SELECT 1) TO '/tmp/x'" }, target: { name: 'y' }, features: [{ name: 'a', type: 'numeric' }] });
  expect(parsed.ok).toBe(false);
  expect(parsed.ok ? '' : parsed.problems.join('\n')).toMatch(/^dataset\.where: not an allowed filter: statement separator/m);
  expect(datasetFilterProblem("location = 'Seattle'")).toBeNull();
});
