/**
 * The demo's narration as checked expectations. Each chapter says what is about to happen; when it does not
 * (a withdrawn rollout, a retrain that never started, a run that failed) the chapter throws a DemoStoryError
 * and `npm run demo` ends with `demo failed: <one line>` and exit code 1 — never a silent exit 0.
 */
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { lifecycleHandle } from '../../src/client';
import { ConfigError, type LifecycleOutcome, type LifecycleResult, type LifecycleStatus } from '../../src/domain';

/** The story did not happen as narrated (or the demo was misconfigured): reported as one line, no stack trace. */
export class DemoStoryError extends Error {
  override name = 'DemoStoryError';
}

/** Throws a DemoStoryError `<chapter>: <what>` unless `ok`. */
export function expectStory(ok: boolean, chapter: string, what: string): asserts ok {
  if (!ok) throw new DemoStoryError(`${chapter}: ${what}`);
}

/** The lifecycle ended as the chapter narrates it, e.g. `expectOutcome(result, 'deployed', chapter)`. */
export function expectOutcome(result: LifecycleResult, expected: LifecycleOutcome, chapter: string): void {
  const version = result.version === undefined ? '' : ` v${result.version}`;
  const why = result.deployment?.reason ?? result.decision?.comment ?? '';
  expectStory(
    result.outcome === expected,
    chapter,
    `expected ${result.model}${version} to be ${expected}, it was ${result.outcome}${why ? ` (${why})` : ''}`,
  );
}

/** The lifecycle stopped at the stage the chapter waits for (e.g. the approval gate). */
export function expectStage(status: LifecycleStatus, expected: LifecycleStatus['stage'], chapter: string): void {
  const failedChecks = (status.evaluation?.checks ?? []).filter((c) => !c.passed).map((c) => c.detail);
  const why = status.failure ?? failedChecks.join('; ');
  const failure = why ? `: ${why}` : '';
  const stopped = `${status.model} stopped at ${status.stage} instead of ${expected}${failure}`;
  expectStory(status.stage === expected, chapter, stopped);
}

/** The lifecycle's result; a failed run becomes a DemoStoryError naming its cause. */
export async function lifecycleResult(client: Client, workflowId: string, chapter: string): Promise<LifecycleResult> {
  try {
    return await lifecycleHandle(client, workflowId).result();
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    throw new DemoStoryError(`${chapter}: ${workflowId} failed: ${err.cause?.message ?? err.message}`);
  }
}

/** The line `npm run demo` ends with when it fails; a stack trace only for unexpected errors or with `debug`. */
export function failureReport(err: unknown, debug: boolean): string {
  const error = err instanceof Error ? err : new Error(String(err));
  const lines = error.message.split('\n').map((l) => l.trim()).filter(Boolean);
  const oneLine = lines.reduce((text, l) => (text === '' ? l : `${text}${text.endsWith(':') ? ' ' : '; '}${l}`), '');
  const line = `demo failed: ${oneLine}`;
  const expected = error instanceof DemoStoryError || error instanceof ConfigError;
  return !expected || debug ? `${line}\n${error.stack ?? ''}` : line;
}
