/**
 * Names people put on versions: aliases (a movable pointer, e.g. `champion` → v3) and key/value tags.
 * Both end up in SQL rows, CLI tables and URLs, so they keep to a small, safe alphabet.
 */

/** The alias the model server serves; only deployments (which switch the server's traffic) move it. */
export const PRODUCTION_ALIAS = 'production';

const ALIAS_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;
const TAG_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const TAG_VALUE_MAX = 256;

/** Why `name` cannot be an alias, or null when it can (lower-case letter first, then [a-z0-9_-], ≤ 40). */
export function aliasNameProblem(name: string): string | null {
  if (!ALIAS_PATTERN.test(name)) {
    return `alias "${name}" must start with a lower-case letter and use only a-z, 0-9, "_" and "-" (at most 40)`;
  }
  return null;
}

/** Why `key` cannot be a tag key, or null when it can (a letter first, then [A-Za-z0-9_.-], ≤ 64). */
export function tagKeyProblem(key: string): string | null {
  if (!TAG_KEY_PATTERN.test(key)) {
    return `tag key "${key}" must start with a letter and use only letters, digits, "_", "." and "-" (at most 64)`;
  }
  return null;
}

/** Parses `key=value` (the value may contain "=" and be empty); throws with the reason when it is not one. */
export function parseTagAssignment(text: string): { key: string; value: string } {
  const at = text.indexOf('=');
  if (at < 1) throw new Error(`"${text}" is not key=value`);
  const key = text.slice(0, at);
  const value = text.slice(at + 1);
  const problem = tagKeyProblem(key);
  if (problem) throw new Error(problem);
  if (value.length > TAG_VALUE_MAX) throw new Error(`the value of tag "${key}" is longer than ${TAG_VALUE_MAX}`);
  return { key, value };
}
