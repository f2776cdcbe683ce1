import fc from 'fast-check';
import { request } from 'node:http';
import { SLACK_BODY_LIMIT } from '../../src/http/slack-request-guard';
import { signedHeaders, slackSignature, TEST_SIGNING_SECRET } from '../support/slack-requests';
import { startSlackWorld, type SlackWorld } from '../support/slack-e2e';
import { caseCounter, storedFingerprint } from './support';

jest.setTimeout(240000);

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);

interface Answer {
  status: number;
  body: string;
}

/** A raw HTTP request (any method, path and headers, as fetch would not send them). */
function send(
  baseUrl: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Answer> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'POST',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    // A request the server never answers fails this case instead of the whole run's time limit.
    req.setTimeout(10000, () => req.destroy(new Error(`no answer to ${options.method} ${options.path}`)));
    req.end(options.body);
  });
}

/**
 * Raw HTTP at /slack/events and the public routes: wrong or missing signatures, stale and future
 * timestamps, bodies over the limit, malformed JSON and forms, wrong content types, odd paths and
 * methods. Each ends in a 4xx with a JSON reason (401 for anything about the signature), never a
 * 5xx; the process keeps serving and nothing stored changes.
 */
describe('bad HTTP requests (fast-check, real app)', () => {
  let world: SlackWorld;
  let before: Record<string, string>;
  const counter = caseCounter();
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    world = await startSlackWorld('fuzz_http');
    before = await storedFingerprint(world.db);
  });
  afterAll(async () => {
    await world?.close();
    const totals = counter.record('http-requests');
    expect(totals.serverErrors).toBe(0);
  });

  async function expectJsonReason(answer: Answer, status: number, group: string) {
    counter.count(group, answer.status);
    expect(answer.status).toBe(status);
    const json = JSON.parse(answer.body) as { error?: string; message?: string };
    expect(typeof json.error).toBe('string');
    expect(json.message?.length).toBeGreaterThan(5);
  }

  async function expectNothingStoredAndServing() {
    expect(await storedFingerprint(world.db)).toEqual(before);
    expect((await fetch(`${world.app.baseUrl}/healthz`)).status).toBe(200);
  }

  const slackBody = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc
      .string({ maxLength: 100 })
      .map((text) => new URLSearchParams({ command: '/incident', text }).toString()),
  );
  const contentType = fc.constantFrom('application/json', 'application/x-www-form-urlencoded');

  it('a wrong or missing signature, or a stale or future timestamp: 401 with a JSON reason', async () => {
    const problem = fc.oneof(
      fc.record({ kind: fc.constant('wrong secret'), secret: fc.string({ minLength: 1, maxLength: 40 }) }),
      fc.record({ kind: fc.constant('stale'), skew: fc.integer({ min: 301, max: 10 ** 8 }) }),
      fc.record({ kind: fc.constant('future'), skew: fc.integer({ min: 301, max: 10 ** 8 }) }),
      fc.record({ kind: fc.constant('missing'), drop: fc.constantFrom('signature', 'timestamp', 'both') }),
      fc.record({
        kind: fc.constant('garbage'),
        signature: fc.string({ maxLength: 80 }),
        timestamp: fc.string({ maxLength: 15 }),
      }),
      fc.record({ kind: fc.constant('body changed'), extra: fc.string({ minLength: 1, maxLength: 20 }) }),
    );
    await fc.assert(
      fc.asyncProperty(slackBody, contentType, problem, async (body, type, p) => {
        let headers: Record<string, string>;
        let sent = body;
        if (p.kind === 'wrong secret')
          headers = signedHeaders(body, type, {
            secret: p.secret === TEST_SIGNING_SECRET ? `${p.secret}x` : p.secret,
          });
        else if (p.kind === 'stale') headers = signedHeaders(body, type, { timestamp: now() - p.skew });
        else if (p.kind === 'future') headers = signedHeaders(body, type, { timestamp: now() + p.skew });
        else if (p.kind === 'missing') {
          headers = signedHeaders(body, type);
          if (p.drop !== 'timestamp') delete headers['x-slack-signature'];
          if (p.drop !== 'signature') delete headers['x-slack-request-timestamp'];
        } else if (p.kind === 'garbage')
          headers = {
            'content-type': type,
            'x-slack-signature': p.signature,
            'x-slack-request-timestamp': p.timestamp,
          };
        else {
          headers = signedHeaders(body, type);
          sent = body + p.extra;
        }
        // Header values must be valid HTTP; garbage with control characters is dropped by any client.
        for (const [name, value] of Object.entries(headers))
          if (/[^\t\x20-\x7e]/.test(value)) headers[name] = encodeURIComponent(value);
        const answer = await send(world.app.baseUrl, { path: '/slack/events', headers, body: sent });
        await expectJsonReason(answer, 401, 'signature');
      }),
      { numRuns: RUNS * 2, endOnFailure: true },
    );
    await expectNothingStoredAndServing();
  });

  it('signed but malformed: wrong content type 415, malformed JSON or form 400, each with a JSON reason', async () => {
    const malformed = fc.oneof(
      fc.record({
        type: fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', 'application/xml', ''),
        body: slackBody,
        expect: fc.constant(415),
      }),
      fc.record({
        type: fc.constant('application/json'),
        body: fc.oneof(
          fc.string({ maxLength: 200 }).filter((text) => {
            try {
              JSON.parse(text);
              return false;
            } catch {
              return true;
            }
          }),
          fc
            .jsonValue()
            .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
            .map((v) => JSON.stringify(v)),
          fc
            .record({ type: fc.string({ maxLength: 20 }) })
            .filter((b) => b.type !== 'url_verification' && b.type !== 'app_rate_limited')
            .map((b) => JSON.stringify(b)),
          fc.constant('{"type":"event_callback"}'),
          fc.constant('{"type":"event_callback","event":{"type":"reaction_added","item":null}}'),
        ),
        expect: fc.constant(400),
      }),
      fc.record({
        type: fc.constant('application/x-www-form-urlencoded'),
        body: fc.oneof(
          fc
            .string({ maxLength: 100 })
            .map((junk) => new URLSearchParams({ payload: `{${junk}` }).toString()),
          fc
            .record({ text: fc.string({ maxLength: 50 }) })
            .map((fields) => new URLSearchParams(fields).toString()),
          fc
            .string({ maxLength: 20 })
            .map((type) => new URLSearchParams({ payload: JSON.stringify({ type }) }).toString()),
          fc.constant(
            new URLSearchParams({
              payload: JSON.stringify({ type: 'view_submission', user: null }),
            }).toString(),
          ),
        ),
        expect: fc.constant(400),
      }),
    );
    await fc.assert(
      fc.asyncProperty(malformed, async ({ type, body, expect: status }) => {
        const headers = signedHeaders(body, type || 'x');
        if (!type) delete headers['content-type'];
        const answer = await send(world.app.baseUrl, { path: '/slack/events', headers, body });
        await expectJsonReason(answer, status, 'malformed body');
      }),
      { numRuns: RUNS * 2, endOnFailure: true },
    );
    await expectNothingStoredAndServing();
  });

  it('a body over the limit: 413 with a JSON reason, signed or not, declared or streamed', async () => {
    const huge = 'a'.repeat(SLACK_BODY_LIMIT + 1);
    const timestamp = now();
    const cases: { headers: Record<string, string>; body: string | Buffer }[] = [
      { headers: { 'content-type': 'application/json' }, body: huge },
      {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': slackSignature(huge, timestamp),
        },
        body: huge,
      },
      // Chunked, so the size is only known while reading.
      { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: huge },
    ];
    for (const c of cases) {
      const answer = await send(world.app.baseUrl, { path: '/slack/events', ...c });
      await expectJsonReason(answer, 413, 'oversized body');
    }
    await expectNothingStoredAndServing();
  });

  it('odd paths and methods on every route: a 4xx with a JSON reason, never a 5xx', async () => {
    const path = fc
      .oneof(
        fc.webPath({ size: 'medium' }),
        fc.string({ maxLength: 60 }).map((s) => `/incidents/${encodeURIComponent(s)}`),
        fc.string({ maxLength: 40 }).map((s) => `/api/v2/${encodeURIComponent(s)}.json`),
        fc.integer({ min: 2000, max: 8000 }).map((n) => `/${'p'.repeat(n)}`),
        fc.constantFrom(
          '/%',
          '/..%2f..%2fetc/passwd',
          '/incidents/%00',
          '//',
          '/api/v2/incidents.json/..',
          '/slack/events/x',
        ),
      )
      .filter((p) => p.startsWith('/') && !/[^\x21-\x7e]/.test(p));
    // `//` once threw in URL parsing outside any handler and took the process down.
    for (const p of ['//', '//x/y', '///', '/%', '/incidents/%E0%A4%A']) {
      const answer = await send(world.app.baseUrl, { method: 'GET', path: p });
      counter.count('route', answer.status);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE');
    await fc.assert(
      fc.asyncProperty(path, method, async (p, m) => {
        const answer = await send(world.app.baseUrl, { method: m, path: p, headers: {} });
        counter.count('route', answer.status);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400 && m !== 'HEAD' && !p.startsWith('/slack/events')) {
          const json = JSON.parse(answer.body) as { error?: string };
          expect(typeof json.error).toBe('string');
        }
      }),
      { numRuns: RUNS * 2, endOnFailure: true },
    );
    await expectNothingStoredAndServing();
  });
});
