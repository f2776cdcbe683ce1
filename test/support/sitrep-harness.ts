import type { Config } from '../../src/config/config';
import {
  startSitrep,
  type RunningSitrep,
  type ServingRole,
  type StartOptions,
} from '../../src/runtime/start';
import { testConfig } from './config';
import { deleteRedisPrefix } from './database';
import { captureLogs, type CapturedLog } from './log-capture';

export interface SitrepUnderTest {
  sitrep: RunningSitrep;
  baseUrl: string;
  logs: CapturedLog;
  config: Config;
  getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/** Boots the real service in this process on a free port, with logs captured in memory. */
export async function bootSitrep(
  env: Record<string, string>,
  role: ServingRole = 'all',
  options: StartOptions = {},
): Promise<SitrepUnderTest> {
  const config = testConfig(env);
  const logs = captureLogs({ secrets: config.secrets, level: config.logLevel });
  const sitrep = await startSitrep(config, role, logs.logger, options);
  try {
    await sitrep.booted;
  } catch (error) {
    // The caller never gets a handle to stop: close the pool and queues here, or they keep the
    // jest worker alive (the pool keeps DATABASE_POOL_MIN connections open for good).
    await sitrep.stop().catch(() => undefined);
    throw error;
  }
  const baseUrl = `http://127.0.0.1:${sitrep.port}`;
  let stopped = false;
  return {
    sitrep,
    baseUrl,
    logs,
    config,
    async getJson(path) {
      const response = await fetch(`${baseUrl}${path}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await sitrep.stop();
      await deleteRedisPrefix(config.redisPrefix);
    },
  };
}
