import { existsSync } from 'node:fs';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import { ConfigError, parseConfig, type AppConfig, type TemporalProfile, type TemporalTransport } from '../domain';

type Env = Record<string, string | undefined>;

/** Where the profile comes from, in words a user can act on. */
function profileSource(env: Env): string {
  const name = env['TEMPORAL_PROFILE'] ?? 'default';
  const file = env['TEMPORAL_CONFIG_FILE'];
  return `profile "${name}" of ${file ? `TEMPORAL_CONFIG_FILE=${file}` : 'the default envconfig file'}`;
}

/** TLS file settings: the TOML key, the env var that overrides it, and where envconfig puts the source. */
const tlsFiles = [
  { toml: 'tls.client_cert_path', env: 'TEMPORAL_TLS_CLIENT_CERT_PATH', pick: (t: TlsSources) => t.clientCert },
  { toml: 'tls.client_key_path', env: 'TEMPORAL_TLS_CLIENT_KEY_PATH', pick: (t: TlsSources) => t.clientKey },
  { toml: 'tls.server_ca_cert_path', env: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', pick: (t: TlsSources) => t.serverCACert },
] as const;
type TlsSources = NonNullable<ClientConfigProfile['tls']>;

/** Every certificate or key path that does not exist, named by the setting that points at it. */
function missingTlsFiles(profile: ClientConfigProfile, env: Env, source: string): string[] {
  const tls = profile.tls;
  if (!tls || tls.disabled) return [];
  const problems: string[] = [];
  for (const file of tlsFiles) {
    const data = file.pick(tls);
    if (!data || !('path' in data) || existsSync(data.path)) continue;
    const setting = env[file.env] === data.path ? file.env : `${file.toml} of ${source}`;
    problems.push(`${setting}: file not found (${data.path})`);
  }
  // envconfig silently drops half a client pair: mTLS would then fail at the server with a vaguer message.
  if (Boolean(tls.clientCert) !== Boolean(tls.clientKey)) {
    problems.push(`tls of ${source}: client_cert_path and client_key_path go together (mTLS needs both)`);
  }
  return problems;
}

/**
 * Loads the Temporal envconfig profile (`TEMPORAL_CONFIG_FILE`, `TEMPORAL_PROFILE`, and the `TEMPORAL_*`
 * overrides envconfig reads: address, namespace, API key, TLS paths/data) and reads its certificates.
 * @throws ConfigError naming the setting when the file or profile is missing, unparsable, or a cert file is absent.
 */
export function loadTemporalProfile(env: Env): TemporalProfile {
  const source = profileSource(env);
  const defined = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: defined });
  } catch (err) {
    throw new ConfigError([`TEMPORAL_PROFILE/TEMPORAL_CONFIG_FILE (${source}): ${(err as Error).message}`]);
  }
  // An explicitly named file that does not exist is a mistake (envconfig would quietly use no file).
  const file = env['TEMPORAL_CONFIG_FILE'];
  const problems = file && !existsSync(file) ? [`TEMPORAL_CONFIG_FILE: file not found (${file})`] : [];
  problems.push(...missingTlsFiles(profile, env, source));
  if (problems.length > 0) throw new ConfigError(problems);
  const { connectionOptions, namespace } = toClientOptions(profile);
  const transport: TemporalTransport = {
    ...(connectionOptions.apiKey ? { apiKey: connectionOptions.apiKey as string } : {}),
    ...(connectionOptions.tls !== undefined ? { tls: connectionOptions.tls as TemporalTransport['tls'] } : {}),
    ...(connectionOptions.metadata ? { metadata: connectionOptions.metadata as Record<string, string> } : {}),
  };
  return {
    ...(file || env['TEMPORAL_PROFILE'] ? { source } : {}),
    ...(profile.address ? { address: profile.address } : {}),
    ...(namespace ? { namespace } : {}),
    transport,
  };
}

/** The one way entry points read their config: env plus the Temporal profile (README: running beyond one machine). */
export function loadAppConfig(env: Env): AppConfig {
  return parseConfig(env, loadTemporalProfile(env));
}
