import { loadConfig, type Config } from '../../src/config/config';
import { REDIS_URL } from './database';

/** A real Config, parsed by the real schema, for a test's own database and Redis prefix. */
export function testConfig(env: Record<string, string>): Config {
  return loadConfig({ PORT: '0', HOST: '127.0.0.1', REDIS_URL, LOG_LEVEL: 'debug', ...env });
}
