import { inspect } from 'node:util';
import { StatuspageClient } from '../../../src/statuspage/atlassian/client';
import { parseRetryAfter } from '../../../src/statuspage/atlassian/errors';
import { API_KEY, caught, harness, incident, input } from './client-harness';

describe('StatuspageClient pacing and retries', () => {
  it('spaces requests of concurrent calls by minIntervalMs', async () => {
    const { client, calls } = harness(
      [
        { status: 201, body: incident },
        { status: 201, body: { ...incident, id: 'inc2' } },
        { status: 200, body: incident },
      ],
      { minIntervalMs: 1000 },
    );
    const results = await Promise.all([
      client.createIncident(input),
      client.createIncident(input),
      client.updateIncident('inc1', input),
    ]);
    expect(results.map((r) => r.id)).toEqual(['inc1', 'inc2', 'inc1']);
    const times = calls.map((c) => c.at);
    expect(times[1]! - times[0]!).toBe(1000);
    expect(times[2]! - times[1]!).toBe(1000);
  });

  it('keeps the chain going after a failed call', async () => {
    const { client } = harness([
      { status: 404, body: { error: 'Not found' } },
      { status: 201, body: incident },
    ]);
    await caught(client.updateIncident('gone', input));
    await expect(client.createIncident(input)).resolves.toMatchObject({ id: 'inc1' });
  });

  it('backs off 500 ms, 1 s, 2 s on 5xx and network errors', async () => {
    const { client, sleeps, calls } = harness([
      { status: 500 },
      new TypeError('fetch failed'),
      { status: 503 },
      { status: 201, body: incident },
    ]);
    await expect(client.createIncident(input)).resolves.toMatchObject({ id: 'inc1' });
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(calls).toHaveLength(4);
  });

  it('waits Retry-After on 420 and 429, 1 s when absent, never less than minIntervalMs', async () => {
    const { client, sleeps } = harness(
      [
        { status: 429, headers: { 'Retry-After': '3' } },
        { status: 420 },
        { status: 429, headers: { 'Retry-After': '0' } },
        { status: 201, body: incident },
      ],
      { minIntervalMs: 200 },
    );
    await client.createIncident(input);
    expect(sleeps).toEqual([3000, 1000, 200]);
  });

  it('gives up after maxRetries with a non-permanent error', async () => {
    const { client, calls } = harness(
      [
        { status: 502, body: { error: 'Bad gateway' } },
        { status: 502 },
        { status: 502, body: 'upstream down' },
      ],
      { maxRetries: 2 },
    );
    const error = await caught(client.createIncident(input));
    expect(error).toMatchObject({ status: 502, permanent: false });
    expect(error.message).toMatch(/HTTP 502 after 3 attempts: upstream down/);
    expect(calls).toHaveLength(3);
  });

  it('reports the last Retry-After when rate limits outlast the retries', async () => {
    const { client } = harness(
      [
        { status: 429, headers: { 'Retry-After': '2' } },
        { status: 429, headers: { 'Retry-After': '7' } },
      ],
      { maxRetries: 1 },
    );
    const error = await caught(client.createIncident(input));
    expect(error).toMatchObject({ status: 429, permanent: false, retryAfterMs: 7000 });
  });

  it('gives up on network errors without a status', async () => {
    const { client } = harness([new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') })], {
      maxRetries: 0,
    });
    const error = await caught(client.createIncident(input));
    expect(error.status).toBeUndefined();
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/no answer after 1 attempts: fetch failed \(ECONNREFUSED\)/);
  });
});

describe('StatuspageClient errors', () => {
  it.each([
    [400, true],
    [401, true],
    [403, true],
    [404, true],
    [409, false],
    [422, true],
  ])('HTTP %i is not retried; permanent: %s', async (status, permanent) => {
    const { client, calls } = harness([{ status, body: { error: 'nope' } }]);
    const error = await caught(client.createIncident(input));
    expect(error).toMatchObject({ status, permanent, name: 'StatuspageError' });
    expect(calls).toHaveLength(1);
  });

  it('includes the error text of the answer (string, list or message)', async () => {
    const { client } = harness([
      { status: 422, body: { error: ["Name can't be blank", 'Status is invalid'] } },
      { status: 403, body: { message: 'Forbidden for this page' } },
    ]);
    expect((await caught(client.createIncident(input))).message).toBe(
      "Statuspage POST /pages/page123/incidents: HTTP 422: Name can't be blank; Status is invalid",
    );
    expect((await caught(client.createIncident(input))).message).toMatch(
      /HTTP 403: Forbidden for this page$/,
    );
  });

  it('never shows the API key, even when the server echoes it', async () => {
    const { client } = harness([{ status: 401, body: { error: `Invalid key OAuth ${API_KEY}` } }]);
    const error = await caught(client.createIncident(input));
    expect(error.message).not.toContain(API_KEY);
    expect(error.message).toContain('[redacted]');
    expect(JSON.stringify(client)).not.toContain(API_KEY);
    expect(inspect(client)).not.toContain(API_KEY);
  });

  it('rejects empty credentials at construction', () => {
    expect(() => new StatuspageClient({ apiKey: ' ', pageId: 'p' })).toThrow('apiKey is empty');
    expect(() => new StatuspageClient({ apiKey: 'k', pageId: '' })).toThrow('pageId is empty');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-02-13T10:00:00Z');
  it.each([
    [null, 1000],
    ['', 1000],
    ['2', 2000],
    ['1.5', 1500],
    ['0', 0],
    ['3600', 60_000],
    ['Fri, 13 Feb 2026 10:00:05 GMT', 5000],
    ['Fri, 13 Feb 2026 09:00:00 GMT', 0],
    ['soon', 1000],
  ])('%s → %i ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });
});
