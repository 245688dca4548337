import { ConfigReader, Env } from './env-parsers';
import { readHubConfig } from './hub-config';

/**
 * The variables of `env` the hub reads (every one readHubConfig records) that are set: its configuration as given,
 * secrets included, which a backup keeps beside the database. Other variables of the environment (PATH, HOME…) are not.
 */
export function configuredVariables(env: Env): Record<string, string> {
  const read = new ConfigReader(env);
  readHubConfig(read);
  const set: Record<string, string> = {};
  for (const { name } of read.variables) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') set[name] = value;
  }
  return set;
}
