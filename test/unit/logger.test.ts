import { captureLogs } from '../support/log-capture';

const BOT_TOKEN = 'xoxb-1111-2222-abcdefghijklmnop';
const SIGNING_SECRET = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
const DB_PASSWORD = 'pa$$w0rd/with:odd@chars';

describe('logger', () => {
  it('writes JSON lines with level names and the service name', () => {
    const logs = captureLogs();
    logs.logger.info({ event: 'hello' }, 'hi');
    expect(logs.entries()[0]).toEqual(
      expect.objectContaining({ level: 'info', service: 'sitrep', event: 'hello', msg: 'hi' }),
    );
  });

  it('never writes a secret: not in known fields, messages, errors, URLs or nested data', () => {
    const logs = captureLogs({ secrets: [BOT_TOKEN, SIGNING_SECRET, DB_PASSWORD] });
    const { logger } = logs;
    logger.info({ token: BOT_TOKEN, slack: { signingSecret: SIGNING_SECRET } }, 'fields');
    logger.info(`the token is ${BOT_TOKEN}`);
    logger.error({ err: new Error(`auth failed for ${BOT_TOKEN}`) }, 'error object');
    logger.warn({ url: `postgresql://sitrep:${encodeURIComponent(DB_PASSWORD)}@db/sitrep` }, 'url');
    logger.info({ nested: { deeper: { value: [`x ${SIGNING_SECRET} y`] } } }, 'nested');
    logger.info({ headers: { authorization: 'Bearer something-else-entirely' } }, 'headers');
    logger.child({ requestToken: BOT_TOKEN }).info('child binding');

    const text = logs.text();
    expect(logs.lines).toHaveLength(7);
    for (const secret of [
      BOT_TOKEN,
      SIGNING_SECRET,
      DB_PASSWORD,
      encodeURIComponent(DB_PASSWORD),
      'something-else-entirely',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    // The lines are still valid JSON after scrubbing.
    expect(() => logs.entries()).not.toThrow();
  });

  it('leaves ordinary text alone', () => {
    const logs = captureLogs({ secrets: [BOT_TOKEN] });
    logs.logger.info({ title: 'Pages fail to load' }, 'declared INC-7');
    expect(logs.entries()[0]).toEqual(
      expect.objectContaining({ title: 'Pages fail to load', msg: 'declared INC-7' }),
    );
  });
});
