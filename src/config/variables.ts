import { z } from 'zod';
import { parseNudgeIntervals } from '../domain/stale-nudge';
import { parseWorkdays, parseWorkingHours } from '../domain/reminder-schedule';
import { isValidTimeZone } from '../domain/time-format';

/**
 * Every environment variable Sitrep reads, with what it means. The README's configuration
 * table is generated from this list (`npm run docs:config`) and a test keeps them in sync.
 */
export interface VariableSpec {
  schema: z.ZodType;
  description: string;
  /** Shown in the README instead of the schema's default, for values derived at run time. */
  defaultText?: string;
  /** Never echoed back in errors and scrubbed from every log line. */
  secret?: boolean;
}

const booleanFlag = z.stringbool({
  truthy: ['true', '1', 'yes', 'on'],
  falsy: ['false', '0', 'no', 'off'],
  error: 'expected true or false',
});

const postgresUrl = z.string().refine((value) => /^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(value), {
  message: 'expected a PostgreSQL URL like postgresql://user@host:5432/database',
});

const redisUrl = z.string().refine((value) => /^rediss?:\/\/[^/]+/.test(value), {
  message: 'expected a Redis URL like redis://host:6379',
});

export const ROLES = ['web', 'worker', 'all', 'migrate'] as const;
export type Role = (typeof ROLES)[number];

export const VARIABLES = {
  SITREP_ROLE: {
    schema: z.enum(ROLES, { error: `expected one of ${ROLES.join(', ')}` }).default('all'),
    description: 'Process role when none is given on the command line: `web`, `worker`, `all` or `migrate`.',
  },
  DATABASE_URL: {
    schema: postgresUrl.default('postgresql://postgres@127.0.0.1:5432/sitrep'),
    description: 'PostgreSQL connection URL. The database is created if it does not exist.',
    secret: false,
  },
  DATABASE_POOL_SIZE: {
    schema: z.coerce.number().int().min(1, 'expected 1 to 100').max(100, 'expected 1 to 100').default(10),
    description: 'PostgreSQL connections each process opens at most.',
  },
  DATABASE_POOL_MIN: {
    schema: z.coerce.number().int().min(0, 'expected 0 to 100').max(100, 'expected 0 to 100').optional(),
    defaultText: '`DATABASE_POOL_SIZE`',
    description:
      'PostgreSQL connections each process opens at boot and keeps open when idle (at most `DATABASE_POOL_SIZE`), so a burst of Slack requests after a quiet spell does not wait for new connections. 0: open them as needed and close them after 10 s idle.',
  },
  REDIS_URL: {
    schema: redisUrl.default('redis://127.0.0.1:6379'),
    description: 'Redis connection URL for BullMQ queues.',
  },
  REDIS_PREFIX: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'expected 1-40 letters, digits, `_`, `.` or `-`')
      .default('sitrep'),
    description: 'Prefix of every Redis key Sitrep writes, so several installations can share one Redis.',
  },
  HOST: {
    schema: z.string().min(1).default('0.0.0.0'),
    description: 'Interface the HTTP server listens on.',
  },
  PORT: {
    schema: z.coerce
      .number({ error: 'expected a port number from 0 to 65535' })
      .int('expected a port number from 0 to 65535')
      .min(0, 'expected a port number from 0 to 65535')
      .max(65535, 'expected a port number from 0 to 65535')
      .default(3000),
    description: 'HTTP port for Slack requests, the status page, `/healthz`, `/readyz` and `/metrics`.',
  },
  LOG_LEVEL: {
    schema: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'expected one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    description: 'Minimum level of the JSON log lines written to standard output.',
  },
  AUTO_MIGRATE: {
    schema: booleanFlag.default(true),
    description:
      'Apply pending migrations when `web`, `worker` or `all` boots. Set `false` when a separate deploy step runs `sitrep migrate`.',
  },
  SLACK_BOT_TOKEN: {
    schema: z
      .string()
      .regex(/^xoxb-/, 'expected a bot token starting with xoxb-')
      .optional(),
    description: 'Bot User OAuth token. Without it Sitrep serves health and status pages only.',
    secret: true,
  },
  SLACK_SIGNING_SECRET: {
    schema: z.string().min(8, 'expected the app’s signing secret (Basic Information page)').optional(),
    description: 'Verifies requests Slack sends to `/slack/events` (HTTP mode).',
    secret: true,
  },
  SLACK_APP_TOKEN: {
    schema: z
      .string()
      .regex(/^xapp-/, 'expected an app-level token starting with xapp-')
      .optional(),
    description:
      'App-level token with `connections:write`; when set, Sitrep uses Socket Mode instead of HTTP.',
    secret: true,
  },
  SLACK_API_URL: {
    schema: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    description: 'Base URL of the Slack Web API, for GovSlack or a test server. Default: Slack’s own.',
  },
  SLACK_ANNOUNCEMENTS_CHANNEL: {
    schema: z.string().min(1).optional(),
    description: 'Channel id where new public incidents are announced for channel watchers.',
  },
  COMPONENTS_FILE: {
    schema: z.string().min(1).optional(),
    description:
      'YAML file of component groups and components offered in the declare modal (see `components.example.yml`); synced at boot.',
  },
  TIMELINE_REACTION: {
    schema: z
      .string()
      .regex(/^:?[a-z0-9_+-]{1,60}:?$/, 'expected an emoji name such as pushpin')
      .transform((name) => name.replace(/^:|:$/g, ''))
      .default('pushpin'),
    description: 'Reacting with this emoji to a message in an incident channel adds it to the timeline.',
  },
  STATUS_PAGE_TITLE: {
    schema: z.string().min(1).max(120).default('Sitrep Status'),
    description: 'Title of the public status page.',
  },
  STATUS_PAGE_URL: {
    schema: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    description: 'Public base URL of the status page, used in links Sitrep posts.',
    defaultText: '`http://localhost:<PORT>`',
  },
  STATUS_PAGE_TIMEZONE: {
    schema: z
      .string()
      .refine(isValidTimeZone, { message: 'expected an IANA time zone such as UTC or America/Los_Angeles' })
      .default('UTC'),
    description: 'IANA time zone in which the status page prints times.',
  },
  STATUSPAGE_API_KEY: {
    schema: z.string().min(10, 'expected an Atlassian Statuspage API key').optional(),
    description:
      'Atlassian Statuspage API key; with STATUSPAGE_PAGE_ID, public updates are also published there.',
    secret: true,
  },
  STATUSPAGE_PAGE_ID: {
    schema: z
      .string()
      .regex(/^[a-z0-9]{6,40}$/i, 'expected the page id from the Statuspage API page (letters and digits)')
      .optional(),
    description: 'Atlassian Statuspage page id.',
  },
  STATUSPAGE_API_URL: {
    schema: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    description: 'Base URL of the Statuspage REST API, for a proxy or a test server.',
    defaultText: '`https://api.statuspage.io/v1`',
  },
  STATUSPAGE_COMPONENT_MAP: {
    schema: z.string().min(2).optional(),
    description:
      'JSON object from Sitrep component (`"Group / Component"`, or `"Component"` when ungrouped) to Statuspage component id.',
  },
  STALE_UPDATE_INTERVALS: {
    schema: z
      .string()
      .default('SEV1=30m,SEV2=60m,SEV3=120m,SEV4=240m')
      .transform((value, ctx) => {
        if (value.toLowerCase() === 'off') return null;
        const intervals = parseNudgeIntervals(value);
        if (typeof intervals === 'string') {
          ctx.addIssue({ code: 'custom', message: intervals });
          return z.NEVER;
        }
        return intervals;
      }),
    description:
      'How long an active incident may go without an update before its lead is nudged in the incident channel, per severity (units `s`, `m`, `h`; left-out severities keep the default). `off` disables nudges.',
    defaultText: '`SEV1=30m,SEV2=60m,SEV3=120m,SEV4=240m`',
  },
  ACTION_ITEM_MANAGERS: {
    schema: z.string().min(2).optional(),
    description:
      'JSON object from a Slack user id to their manager’s user id (`{"U0OWNER": "U0BOSS"}`): who is told when an owner’s action item stays overdue. Without an entry: the incident lead.',
  },
  ACTION_ITEM_TEAMS: {
    schema: z.string().min(2).optional(),
    description:
      'JSON object from a Slack user id to a team name, for the weekly digest. Owners not listed are counted under their manager (`ACTION_ITEM_MANAGERS`), else as "No team".',
  },
  ACTION_ITEM_TEAM_CHANNEL: {
    schema: z
      .string()
      .regex(/^[CG][A-Z0-9]+$/, 'expected a channel id such as C0123ABCD')
      .optional(),
    description:
      'Channel id told (with the manager) when an action item stays overdue. Unset: the manager only.',
  },
  ACTION_ITEM_DIGEST_CHANNEL: {
    schema: z
      .string()
      .regex(/^[CG][A-Z0-9]+$/, 'expected a channel id such as C0123ABCD')
      .optional(),
    description:
      'Channel id for the weekly action item digest (open, overdue, closed on time per team). Unset: no digest.',
  },
  ACTION_ITEM_DIGEST_CRON: {
    schema: z
      .string()
      .regex(/^\S+( \S+){4,5}$/, 'expected a cron pattern such as "0 9 * * 1"')
      .default('0 9 * * 1'),
    description: 'When the digest is posted (cron pattern, in `ACTION_ITEM_DIGEST_TIMEZONE`).',
  },
  ACTION_ITEM_DIGEST_TIMEZONE: {
    schema: z
      .string()
      .refine(isValidTimeZone, { message: 'expected an IANA time zone such as UTC or Europe/Berlin' })
      .default('UTC'),
    description: 'Time zone of `ACTION_ITEM_DIGEST_CRON`.',
  },
  REMINDER_WORKING_HOURS: {
    schema: z
      .string()
      .refine((value) => parseWorkingHours(value) !== undefined, {
        message: 'expected HH:MM-HH:MM such as 09:00-17:00',
      })
      .default('09:00-17:00'),
    description:
      'Reminders arrive at the start of these hours, on `REMINDER_WORK_DAYS`, in each owner’s own Slack time zone.',
  },
  REMINDER_WORK_DAYS: {
    schema: z
      .string()
      .refine((value) => parseWorkdays(value) !== undefined, {
        message: 'expected day names or ranges such as mon-fri, sun-thu or mon,wed,fri',
      })
      .default('mon-fri'),
    description:
      'Days reminders may arrive on, in each owner’s time zone (e.g. `sun-thu`); due dates on other days move to the next of these.',
  },
  REMINDER_LEAD_WORKDAYS: {
    schema: z.coerce.number().int().min(0, 'expected 0 to 20').max(20, 'expected 0 to 20').default(1),
    description: 'Working days before the due date of the first reminder (0: none before the due date).',
  },
  REMINDER_REPEAT_WORKDAYS: {
    schema: z.coerce.number().int().min(1, 'expected 1 to 20').max(20, 'expected 1 to 20').default(1),
    description: 'Working days between reminders while an action item is overdue.',
  },
  REMINDER_ESCALATE_AFTER: {
    schema: z.coerce.number().int().min(0, 'expected 0 to 50').max(50, 'expected 0 to 50').default(3),
    description:
      'Overdue reminders to the owner before the manager and `ACTION_ITEM_TEAM_CHANNEL` are told (once per due date; 0: never).',
  },
  REMINDER_CONCURRENCY: {
    schema: z.coerce.number().int().min(1, 'expected 1 to 200').max(200, 'expected 1 to 200').default(25),
    description: 'Reminders one worker process sends at once.',
  },
  REMINDER_SWEEP_SIZE: {
    schema: z.coerce.number().int().min(0, 'expected 0 to 1000').max(1000, 'expected 0 to 1000').default(100),
    description:
      'Reminders one sweep claims at a time (sent up to 32 at once): each due moment has a sweep job that sends everything due then (4 sweeps side by side), and the items’ own jobs, 5 s later, sweep what it left. 0: no sweeping; each reminder is sent by its own job at its moment.',
  },
  JOB_LOCK_MS: {
    schema: z.coerce
      .number({ error: 'expected milliseconds from 1000 to 600000' })
      .int('expected milliseconds from 1000 to 600000')
      .min(1000, 'expected milliseconds from 1000 to 600000')
      .max(600000, 'expected milliseconds from 1000 to 600000')
      .default(30000),
    description:
      'How long a worker holds a job without renewing its lock; a job of a crashed worker is retried after about twice this.',
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: z.coerce
      .number({ error: 'expected milliseconds from 1000 to 60000' })
      .int('expected milliseconds from 1000 to 60000')
      .min(1000, 'expected milliseconds from 1000 to 60000')
      .max(60000, 'expected milliseconds from 1000 to 60000')
      .default(9000),
    description: 'How long SIGTERM/SIGINT waits for in-flight work before giving up.',
  },
} satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof VARIABLES;
