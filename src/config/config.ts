import type { NudgeIntervals } from '../domain/stale-nudge';
import { parseWorkdays, parseWorkingHours, type ReminderPolicy } from '../domain/reminder-schedule';
import {
  checkDatabasePool,
  checkSlackVariables,
  checkStatuspageVariables,
  checkUserMaps,
} from './cross-checks';
import { environmentSchema, type Environment } from './environment';
import { ROLES, VARIABLES, type Role, type VariableName, type VariableSpec } from './variables';

export { ROLES, type Role };

const specs: Record<VariableName, VariableSpec> = VARIABLES;

export interface SlackConfig {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
  announcementsChannel?: string;
}

export interface Config {
  role: Role;
  databaseUrl: string;
  databasePool: { max: number; min: number };
  redisUrl: string;
  redisPrefix: string;
  host: string;
  port: number;
  logLevel: Environment['LOG_LEVEL'];
  autoMigrate: boolean;
  /** Absent when Slack is not configured: Sitrep then serves health and status routes only. */
  slack?: SlackConfig;
  /** Which Slack variables are missing, for the startup message. */
  slackMissing: VariableName[];
  statusPage: { title: string; url: string; timeZone: string };
  /** Atlassian Statuspage publishing, when both the API key and the page id are set. */
  statuspage?: { apiKey: string; pageId: string; apiUrl?: string; componentMap: Record<string, string> };
  /** Path of the components YAML file, if any. */
  componentsFile?: string;
  /** Emoji name (no colons) that adds a message to the timeline. */
  timelineReaction: string;
  shutdownTimeoutMs: number;
  /** Per severity, how long an active incident may go without an update; null: no nudges. */
  staleUpdateIntervals: NudgeIntervals | null;
  /** BullMQ lock duration (and stalled-job check interval) of the outbox workers. */
  jobLockMs: number;
  /** Values that must never reach a log line. */
  secrets: string[];
  actionItems: ActionItemsConfig;
}

export interface ActionItemsConfig {
  /** Slack user id → manager's user id. */
  managers: Record<string, string>;
  /** Slack user id → team name (digest). */
  teams: Record<string, string>;
  teamChannel?: string;
  digest?: { channel: string; cron: string; timeZone: string };
  policy: ReminderPolicy;
  escalateAfter: number;
  concurrency: number;
  /** Reminders one job sends along with its own when they are due at the same moment (0: none). */
  sweepSize: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function describeReceived(name: string, raw: string | undefined): string {
  if (raw === undefined) return 'it is not set';
  if (specs[name as VariableName]?.secret) return 'got a value of the wrong form (not shown: it is a secret)';
  // A URL's user-info may hold a password: never echo it, even when the URL is malformed.
  const shown = raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
  return `got ${JSON.stringify(shown.length > 60 ? `${shown.slice(0, 60)}…` : shown)}`;
}

/** Empty strings count as unset: `FOO=` in an env file means "no value", not "the empty value". */
function readEnvironment(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.keys(specs).map((name) => {
      const value = env[name];
      return [name, value === undefined || value.trim() === '' ? undefined : value.trim()];
    }),
  );
}

/**
 * Reads and checks the whole environment at once. Throws a ConfigError naming every bad
 * variable, what was expected and what was found, so one restart fixes them all.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, roleArgument?: string): Config {
  const raw = readEnvironment(env);
  const result = environmentSchema.safeParse(raw);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = String(issue.path[0]);
      problems.push(
        `${name}: ${issue.message.replace(/^Invalid input: /, '')}; ${describeReceived(name, raw[name])}`,
      );
    }
  }
  let role: Role | undefined;
  if (roleArgument !== undefined) {
    if ((ROLES as readonly string[]).includes(roleArgument)) role = roleArgument as Role;
    else
      problems.push(
        `role argument: expected one of ${ROLES.join(', ')}; got ${JSON.stringify(roleArgument)}`,
      );
  }
  if (!result.success || problems.length > 0) {
    if (result.success) {
      problems.push(
        ...checkDatabasePool(result.data),
        ...checkSlackVariables(result.data).problems,
        ...checkStatuspageVariables(result.data).problems,
        ...checkUserMaps(result.data).problems,
      );
    }
    throw new ConfigError(problems);
  }
  const parsed = result.data;
  const slackCheck = checkSlackVariables(parsed);
  const statuspageCheck = checkStatuspageVariables(parsed);
  const userMaps = checkUserMaps(parsed);
  const later = [
    ...checkDatabasePool(parsed),
    ...slackCheck.problems,
    ...statuspageCheck.problems,
    ...userMaps.problems,
  ];
  if (later.length > 0) throw new ConfigError(later);

  const secrets = [
    parsed.SLACK_BOT_TOKEN,
    parsed.SLACK_SIGNING_SECRET,
    parsed.SLACK_APP_TOKEN,
    parsed.STATUSPAGE_API_KEY,
    passwordOf(parsed.DATABASE_URL),
    passwordOf(parsed.REDIS_URL),
  ].filter((value): value is string => typeof value === 'string' && value.length >= 4);
  return {
    role: role ?? parsed.SITREP_ROLE,
    databaseUrl: parsed.DATABASE_URL,
    databasePool: {
      max: parsed.DATABASE_POOL_SIZE,
      min: parsed.DATABASE_POOL_MIN ?? parsed.DATABASE_POOL_SIZE,
    },
    redisUrl: parsed.REDIS_URL,
    redisPrefix: parsed.REDIS_PREFIX,
    host: parsed.HOST,
    port: parsed.PORT,
    logLevel: parsed.LOG_LEVEL,
    autoMigrate: parsed.AUTO_MIGRATE,
    slack: parsed.SLACK_BOT_TOKEN
      ? {
          botToken: parsed.SLACK_BOT_TOKEN,
          signingSecret: parsed.SLACK_SIGNING_SECRET,
          appToken: parsed.SLACK_APP_TOKEN,
          apiUrl: parsed.SLACK_API_URL,
          announcementsChannel: parsed.SLACK_ANNOUNCEMENTS_CHANNEL,
        }
      : undefined,
    slackMissing: slackCheck.missing,
    statusPage: {
      title: parsed.STATUS_PAGE_TITLE,
      url: (parsed.STATUS_PAGE_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, ''),
      timeZone: parsed.STATUS_PAGE_TIMEZONE,
    },
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_MS,
    jobLockMs: parsed.JOB_LOCK_MS,
    staleUpdateIntervals: parsed.STALE_UPDATE_INTERVALS,
    timelineReaction: parsed.TIMELINE_REACTION,
    statuspage:
      parsed.STATUSPAGE_API_KEY && parsed.STATUSPAGE_PAGE_ID
        ? {
            apiKey: parsed.STATUSPAGE_API_KEY,
            pageId: parsed.STATUSPAGE_PAGE_ID,
            apiUrl: parsed.STATUSPAGE_API_URL,
            componentMap: statuspageCheck.componentMap,
          }
        : undefined,
    componentsFile: parsed.COMPONENTS_FILE,
    secrets,
    actionItems: {
      managers: userMaps.managers,
      teams: userMaps.teams,
      teamChannel: parsed.ACTION_ITEM_TEAM_CHANNEL,
      digest: parsed.ACTION_ITEM_DIGEST_CHANNEL
        ? {
            channel: parsed.ACTION_ITEM_DIGEST_CHANNEL,
            cron: parsed.ACTION_ITEM_DIGEST_CRON,
            timeZone: parsed.ACTION_ITEM_DIGEST_TIMEZONE,
          }
        : undefined,
      policy: {
        leadWorkdays: parsed.REMINDER_LEAD_WORKDAYS,
        repeatWorkdays: parsed.REMINDER_REPEAT_WORKDAYS,
        hours: parseWorkingHours(parsed.REMINDER_WORKING_HOURS)!,
        workdays: parseWorkdays(parsed.REMINDER_WORK_DAYS)!,
      },
      escalateAfter: parsed.REMINDER_ESCALATE_AFTER,
      concurrency: parsed.REMINDER_CONCURRENCY,
      sweepSize: parsed.REMINDER_SWEEP_SIZE,
    },
  };
}

function passwordOf(url: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password || undefined;
  } catch {
    return undefined;
  }
}
