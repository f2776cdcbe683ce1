import { ConfigError, loadConfig } from '../../src/config/config';

function problemsOf(env: Record<string, string>, role?: string): string[] {
  try {
    loadConfig(env, role);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('works with no variables at all, using defaults for this machine', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      role: 'all',
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/sitrep',
      redisUrl: 'redis://127.0.0.1:6379',
      port: 3000,
      autoMigrate: true,
      slack: undefined,
      statusPage: { title: 'Sitrep Status', url: 'http://localhost:3000', timeZone: 'UTC' },
    });
    expect(config.slackMissing).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
  });

  it('reports every bad variable at once, by name, with what was expected and what was found', () => {
    const problems = problemsOf(
      {
        DATABASE_URL: 'mysql://localhost/x',
        REDIS_URL: 'localhost:6379',
        PORT: '70000',
        AUTO_MIGRATE: 'maybe',
        STATUS_PAGE_TIMEZONE: 'Mars/Olympus_Mons',
        LOG_LEVEL: 'loud',
      },
      'janitor',
    );
    expect(problems).toHaveLength(7);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DATABASE_URL: expected a PostgreSQL URL.*got "mysql:\/\/localhost\/x"$/),
        expect.stringMatching(/^REDIS_URL: expected a Redis URL.*got "localhost:6379"$/),
        expect.stringMatching(/^PORT: expected a port number from 0 to 65535; got "70000"$/),
        expect.stringMatching(/^AUTO_MIGRATE: expected true or false; got "maybe"$/),
        expect.stringMatching(/^STATUS_PAGE_TIMEZONE: expected an IANA time zone.*got "Mars\/Olympus_Mons"$/),
        expect.stringMatching(/^LOG_LEVEL: expected one of fatal, error/),
        expect.stringMatching(/^role argument: expected one of web, worker, all, migrate; got "janitor"$/),
      ]),
    );
  });

  it('formats one readable message listing every problem', () => {
    expect(() => loadConfig({ PORT: 'abc', SITREP_ROLE: 'boss' })).toThrow(
      /^Invalid configuration:\n {2}- SITREP_ROLE: expected one of web, worker, all, migrate; got "boss"\n {2}- PORT: expected a port number/,
    );
  });

  it('never echoes a secret back, even a malformed one', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'xoxp-very-secret-user-token',
      SLACK_SIGNING_SECRET: 'abc',
    });
    const text = problems.join('\n');
    expect(text).toMatch(/SLACK_BOT_TOKEN: expected a bot token starting with xoxb-/);
    expect(text).toMatch(/SLACK_SIGNING_SECRET: expected the app’s signing secret/);
    expect(text).not.toContain('very-secret');
    expect(text).not.toMatch(/"abc"/);
  });

  it('requires a transport when a bot token is set, and a bot token when a transport is set', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1-2-3' })).toEqual([
      expect.stringMatching(/^SLACK_SIGNING_SECRET: expected it \(HTTP mode\) or SLACK_APP_TOKEN/),
    ]);
    expect(problemsOf({ SLACK_APP_TOKEN: 'xapp-1-2-3' })).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN: expected a bot token/),
    ]);
  });

  it('builds the Slack settings and the list of secrets to scrub from logs', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: 'signing-secret-value',
      DATABASE_URL: 'postgresql://sitrep:hunter2pass@db:5432/sitrep',
    });
    expect(config.slack).toEqual(
      expect.objectContaining({ botToken: 'xoxb-1-2-abc', signingSecret: 'signing-secret-value' }),
    );
    expect(config.slackMissing).toEqual([]);
    expect(config.secrets).toEqual(
      expect.arrayContaining(['xoxb-1-2-abc', 'signing-secret-value', 'hunter2pass']),
    );
  });

  it('treats empty values as unset and accepts the role from the command line over SITREP_ROLE', () => {
    const config = loadConfig({ PORT: '', SITREP_ROLE: 'worker', AUTO_MIGRATE: 'off' }, 'migrate');
    expect(config.port).toBe(3000);
    expect(config.role).toBe('migrate');
    expect(config.autoMigrate).toBe(false);
  });
});

describe('error messages', () => {
  it('never echo a password from a malformed URL', () => {
    const problems = problemsOf({
      DATABASE_URL: 'postgresql://sitrep:S3cretPass@db.internal:5432',
      REDIS_URL: 'http://u:RedisPw@x',
    });
    expect(problems.join('\n')).not.toMatch(/S3cretPass|RedisPw/);
    expect(problems.join('\n')).toContain('postgresql://***@db.internal:5432');
  });
});

describe('Statuspage settings', () => {
  it('needs the API key and the page id together, and a JSON component map', () => {
    expect(() => loadConfig({ STATUSPAGE_API_KEY: 'sp-key-0123456789' })).toThrow(
      /STATUSPAGE_PAGE_ID: expected it because/,
    );
    expect(() => loadConfig({ STATUSPAGE_PAGE_ID: 'abc123def', STATUSPAGE_COMPONENT_MAP: '{oops' })).toThrow(
      /STATUSPAGE_API_KEY: expected it[\s\S]*STATUSPAGE_COMPONENT_MAP: expected JSON/,
    );
    const config = loadConfig({
      STATUSPAGE_API_KEY: 'sp-key-0123456789',
      STATUSPAGE_PAGE_ID: 'abc123def',
      STATUSPAGE_COMPONENT_MAP: '{"SEI / Prod Eu1":"cmp1"}',
    });
    expect(config.statuspage).toEqual({
      apiKey: 'sp-key-0123456789',
      pageId: 'abc123def',
      componentMap: { 'SEI / Prod Eu1': 'cmp1' },
    });
    expect(config.secrets).toContain('sp-key-0123456789');
  });

  it('reads reminder work days, Monday to Friday by default, and names a bad value', () => {
    expect([...(loadConfig({}).actionItems.policy.workdays ?? [])].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(
      [...(loadConfig({ REMINDER_WORK_DAYS: 'sun-thu' }).actionItems.policy.workdays ?? [])].sort(),
    ).toEqual([0, 1, 2, 3, 4]);
    expect(problemsOf({ REMINDER_WORK_DAYS: 'weekdays' })).toEqual([
      expect.stringMatching(
        /^REMINDER_WORK_DAYS: expected day names or ranges such as mon-fri.*got "weekdays"$/,
      ),
    ]);
  });
});

describe('PostgreSQL pool settings', () => {
  it('keeps the whole pool open by default, follows its size, and names a minimum above it', () => {
    expect(loadConfig({}).databasePool).toEqual({ max: 10, min: 10 });
    expect(loadConfig({ DATABASE_POOL_SIZE: '4' }).databasePool).toEqual({ max: 4, min: 4 });
    expect(loadConfig({ DATABASE_POOL_SIZE: '20', DATABASE_POOL_MIN: '0' }).databasePool).toEqual({
      max: 20,
      min: 0,
    });
    expect(problemsOf({ DATABASE_POOL_SIZE: '5', DATABASE_POOL_MIN: '6' })).toEqual([
      'DATABASE_POOL_MIN: expected at most DATABASE_POOL_SIZE (5); got 6',
    ]);
    expect(problemsOf({ DATABASE_POOL_SIZE: '0' })).toEqual([expect.stringMatching(/^DATABASE_POOL_SIZE: /)]);
  });
});
