import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../support/paths';
import { searchAttributeRegistrations } from '../../src/workflows/search-attributes';

/** The determinism boundary and the layer floors, checked by scanning imports rather than by review. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): { spec: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const found: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
    found.push({ spec: m[3] as string, typeOnly: Boolean(m[2]) });
  }
  for (const m of text.matchAll(/(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ spec: m[1] as string, typeOnly: false });
  return found;
}

const src = join(repoRoot, 'src');
/** Third-party packages that are pure computation and deterministic, so domain (and workflow) code may use them. */
const purePackages = (spec: string) => spec === 'zod' || spec.startsWith('@noble/');
const rel = (f: string) => relative(repoRoot, f);

test('workflow code imports only @temporalio/workflow|common, domain code, and types of activities', () => {
  const offences: string[] = [];
  for (const file of sourceFiles(join(src, 'workflows'))) {
    for (const { spec, typeOnly } of imports(file)) {
      const allowed =
        spec === '@temporalio/workflow' ||
        spec === '@temporalio/common' ||
        purePackages(spec) ||
        spec.startsWith('./') ||
        spec.startsWith('../domain') ||
        (typeOnly && spec.startsWith('../activities'));
      if (!allowed) offences.push(`${rel(file)} imports ${typeOnly ? 'type ' : ''}${spec}`);
    }
    const text = readFileSync(file, 'utf8');
    if (/process\.env|console\.|Math\.random\(|setTimeout\(/.test(text)) offences.push(`${rel(file)} uses process.env/console/Math.random/setTimeout`);
  }
  expect(offences).toEqual([]);
});

test('workflow code takes values from domain modules, not from the domain barrels (types may come from them)', () => {
  // The SDK evaluates every module a workflow imports again for each new run: a barrel brings all of the domain
  // (config, ML, drift schemas…) into every run (README "scale — per-run module cost").
  const offences: string[] = [];
  for (const file of sourceFiles(join(src, 'workflows'))) {
    for (const { spec, typeOnly } of imports(file)) {
      const isBarrel = spec.startsWith('../domain') && statSync(join(src, 'workflows', spec), { throwIfNoEntry: false })?.isDirectory();
      if (isBarrel && !typeOnly) offences.push(`${rel(file)} imports values from ${spec}`);
    }
  }
  expect(offences).toEqual([]);
});

test('domain code is pure: no Node built-ins, no side-effecting packages, no upward imports', () => {
  const offences: string[] = [];
  for (const file of sourceFiles(join(src, 'domain'))) {
    for (const { spec } of imports(file)) {
      const allowed = purePackages(spec) || spec.startsWith('./') || (spec.startsWith('../') && !/\.\.\/(\.\.\/)?(activities|adapters|workflows|workers|cli|serving|client)\b/.test(spec));
      if (!allowed) offences.push(`${rel(file)} imports ${spec}`);
    }
    if (/process\.env|console\./.test(readFileSync(file, 'utf8'))) offences.push(`${rel(file)} uses process.env/console`);
  }
  expect(offences).toEqual([]);
});

test('workflow and domain code leave zod\'s global state alone: one zod instance serves every run of a worker', () => {
  // zod is preloaded once per worker and shared by all workflow runs (src/workers/workflow-code.ts): a schema
  // registered with an id would be registered again by the next run (zod refuses duplicate ids), a config change
  // would reach every run, and the SDK freezes zod's config anyway.
  const offences: string[] = [];
  for (const file of [...sourceFiles(join(src, 'workflows')), ...sourceFiles(join(src, 'domain'))]) {
    if (/\.(meta|register|describe)\(|globalRegistry|z\.config\(/.test(readFileSync(file, 'utf8'))) offences.push(rel(file));
  }
  expect(offences).toEqual([]);
});

test('floors: activities and adapters never import workers, cli, serving or client; only entry points read process.env', () => {
  const offences: string[] = [];
  for (const floor of ['activities', 'adapters']) {
    for (const file of sourceFiles(join(src, floor))) {
      for (const { spec } of imports(file)) if (/\.\.\/(workers|cli|serving|client)\b/.test(spec)) offences.push(`${rel(file)} imports ${spec}`);
    }
  }
  const envReaders = sourceFiles(src).filter((f) => /process\.env/.test(readFileSync(f, 'utf8'))).map(rel);
  expect(offences).toEqual([]);
  expect(envReaders.every((f) => /(^|\/)main\.ts$/.test(f))).toBe(true);
});

test('only the registry adapters touch its database: no SQLite or PostgreSQL driver, no registry.db, elsewhere', () => {
  const offences: string[] = [];
  for (const file of sourceFiles(src).filter((f) => !rel(f).startsWith('src/adapters/registry/'))) {
    for (const { spec } of imports(file)) if (spec === 'better-sqlite3' || spec === 'pg') offences.push(`${rel(file)} imports ${spec}`);
    if (/\.(db|handle)\.(prepare|exec|pragma|transaction|query)\b|\.sqlite\.handle\b/.test(readFileSync(file, 'utf8'))) offences.push(`${rel(file)} reaches a database handle`);
  }
  expect(offences).toEqual([]);
});

test('no source file grows past 400 lines', () => {
  const long = sourceFiles(src).filter((f) => readFileSync(f, 'utf8').split('\n').length > 400).map(rel);
  expect(long).toEqual([]);
});

test('the dev-server script registers exactly the search attributes the workflows use', () => {
  const script = readFileSync(join(repoRoot, 'scripts/temporal-server.sh'), 'utf8');
  const line = /search_attributes=\(([^)]*)\)/.exec(script)?.[1] ?? '';
  const registered = Object.fromEntries(line.trim().split(/\s+/).map((kv) => kv.split('=') as [string, string]));
  expect(registered).toEqual(searchAttributeRegistrations);
});
