import { createTestDatabase, uniqueRedisPrefix, type TestDatabase } from '../support/database';
import { bootSitrep, type SitrepUnderTest } from '../support/sitrep-harness';
import { postSigned, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../support/slack-requests';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';

describe('HTTP basics (real PostgreSQL and Redis)', () => {
  let db: TestDatabase;
  let app: SitrepUnderTest | undefined;
  beforeAll(async () => {
    db = await createTestDatabase('http');
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });
  afterAll(async () => db.drop());

  const env = () => ({ DATABASE_URL: db.url, REDIS_PREFIX: uniqueRedisPrefix('http') });

  it('serves /healthz, /readyz and /metrics once booted', async () => {
    app = await bootSitrep(env(), 'web');
    await expect(app.getJson('/healthz')).resolves.toEqual({ status: 200, body: { status: 'ok' } });
    await expect(app.getJson('/readyz')).resolves.toEqual({
      status: 200,
      body: {
        status: 'ready',
        checks: { database: { ok: true }, redis: { ok: true }, schema: { ok: true } },
      },
    });
    const metrics = await fetch(`${app.baseUrl}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/^sitrep_schema_ready 1$/m);
    expect(text).toMatch(/^sitrep_http_requests_total\{route="readyz",method="GET",status="200"\} 1$/m);
    expect(text).toMatch(/^sitrep_process_cpu_user_seconds_total /m);
  });

  it('opens its PostgreSQL pool while booting (DATABASE_POOL_MIN)', async () => {
    app = await bootSitrep({ ...env(), DATABASE_POOL_SIZE: '6', DATABASE_POOL_MIN: '4' }, 'web');
    const opened = app.logs.entries().filter((entry) => entry.event === 'pool_opened');
    // The schema check may have opened one of the four already.
    expect(opened).toEqual([expect.objectContaining({ opened: expect.any(Number) })]);
    expect(opened[0]!.opened).toBeGreaterThanOrEqual(3);
    const [row] = await db.query<{ count: string }>(
      "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND state = 'idle' AND pid <> pg_backend_pid()",
      [db.name],
    );
    expect(Number(row!.count)).toBeGreaterThanOrEqual(4);
  });

  it('answers unknown routes and wrong methods with a JSON reason', async () => {
    app = await bootSitrep(env(), 'web');
    await expect(app.getJson('/nope')).resolves.toEqual({
      status: 404,
      body: { error: 'not_found', message: 'No route for /nope' },
    });
    const wrongMethod = await fetch(`${app.baseUrl}/healthz`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
    expect(await wrongMethod.json()).toEqual({
      error: 'method_not_allowed',
      message: 'Use GET or HEAD for /healthz',
    });
  });

  it('says which Slack variables to set when Slack is not configured, and still serves health', async () => {
    app = await bootSitrep(env(), 'web');
    const warning = app.logs.entries().find((entry) => entry.event === 'slack_not_configured');
    expect(warning?.msg).toMatch(/set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET/);
    const slack = await fetch(`${app.baseUrl}/slack/events`, { method: 'POST', body: '{}' });
    expect(slack.status).toBe(503);
    expect(await slack.json()).toEqual({
      error: 'slack_not_configured',
      message: 'Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET',
    });
  });

  it('gives every request an id, echoes a sane one, and logs the path without its query string', async () => {
    app = await bootSitrep(env(), 'web');
    const given = await fetch(`${app.baseUrl}/nope?token=should-not-be-logged`, {
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const invented = await fetch(`${app.baseUrl}/nope`, {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(invented.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const line = app.logs.entries().find((entry) => entry.reqId === 'abc-123');
    expect(line).toMatchObject({ msg: 'request', method: 'GET', path: '/nope', status: 404 });
    expect(app.logs.text()).not.toContain('should-not-be-logged');
  });

  it('reports Redis as the problem when Redis is down', async () => {
    app = await bootSitrep({ ...env(), REDIS_URL: 'redis://127.0.0.1:1' }, 'web');
    const { status, body } = await app.getJson('/readyz');
    expect(status).toBe(503);
    expect(body).toMatchObject({
      status: 'not_ready',
      checks: { database: { ok: true }, redis: { ok: false }, schema: { ok: true } },
    });
  });

  it('reports the database as the problem when PostgreSQL is unreachable, and stays alive', async () => {
    app = await bootSitrep(
      { ...env(), DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/sitrep', AUTO_MIGRATE: 'false' },
      'web',
    );
    const { status, body } = await app.getJson('/readyz');
    expect(status).toBe(503);
    expect(body).toMatchObject({
      checks: {
        database: { ok: false, error: expect.stringMatching(/ECONNREFUSED/) },
        redis: { ok: true },
        schema: { ok: false },
      },
    });
    await expect(app.getJson('/healthz')).resolves.toMatchObject({ status: 200 });
  });

  describe('with Slack configured', () => {
    let fakeSlack: FakeSlack;
    beforeAll(async () => {
      fakeSlack = await startFakeSlack();
    });
    afterAll(async () => fakeSlack.close());

    it('never writes a token, signing secret or database password to the log', async () => {
      const password = 'Db-Passw0rd-Never-Logged';
      const url = new URL(db.url);
      url.password = password; // trust auth on this machine ignores it, but Sitrep must not leak it
      app = await bootSitrep(
        {
          ...env(),
          DATABASE_URL: url.toString(),
          SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
          SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
          SLACK_API_URL: fakeSlack.url,
          LOG_LEVEL: 'trace',
        },
        'all',
      );
      await postSigned(
        `${app.baseUrl}/slack/events`,
        `command=%2Fincident&text=help&user_id=U1&token=${TEST_BOT_TOKEN}`,
        'application/x-www-form-urlencoded',
      );
      await postSigned(
        `${app.baseUrl}/slack/events`,
        'command=%2Fincident&text=help',
        'application/x-www-form-urlencoded',
        {
          secret: 'wrong-secret',
        },
      );
      await fetch(`${app.baseUrl}/readyz`, { headers: { authorization: `Bearer ${TEST_BOT_TOKEN}` } });
      await app.stop();
      const text = app.logs.text();
      const configLine = app.logs.entries().find((entry) => entry.event === 'config');
      expect(configLine?.databaseUrl).toBe(url.toString().replace(password, '[redacted]'));
      expect(app.logs.lines.length).toBeGreaterThan(5);
      for (const secret of [TEST_BOT_TOKEN, TEST_SIGNING_SECRET, password])
        expect(text).not.toContain(secret);
    });
  });
});
