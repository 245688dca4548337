import { ConfigError, ConfigReader } from './env-parsers';

export interface AccessConfig {
  /**
   * An admin API key given by configuration (HUB_BOOTSTRAP_API_KEY), for automation and the first setup: scripts
   * provision devices and create operators with it. Null: none (operators log in, systems use issued API keys).
   */
  readonly bootstrapApiKey: string | null;
}

/** Long enough that guessing is hopeless (32 characters of base64url ≈ 192 bits). */
const MIN_KEY_LENGTH = 32;
const KEY_ALLOWED = `at least ${MIN_KEY_LENGTH} characters, e.g. from \`openssl rand -base64 32\``;

export function readAccessConfig(read: ConfigReader): AccessConfig {
  const bootstrapApiKey = read.optionalString('HUB_BOOTSTRAP_API_KEY', {
    description: 'an admin API key from the configuration, for automation and the first setup (`npm start` generates one in `${HUB_DATA_DIR}/bootstrap-api-key` when unset); never echoed',
    allowed: KEY_ALLOWED,
  }) ?? null;
  if (bootstrapApiKey !== null && bootstrapApiKey.length < MIN_KEY_LENGTH) {
    // The value is a secret: never echo it.
    read.errors.push(new ConfigError('HUB_BOOTSTRAP_API_KEY', `(${bootstrapApiKey.length} characters, hidden)`, KEY_ALLOWED));
  }
  return { bootstrapApiKey };
}
