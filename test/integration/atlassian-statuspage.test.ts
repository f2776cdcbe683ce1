/**
 * The Statuspage client against the fake REST API, in real time: the fake answers 429 to any
 * request less than ~1 s after the previous one, so these tests prove the client paces itself.
 */
import { StatuspageClient } from '../../src/statuspage/atlassian/client';
import { StatuspageError } from '../../src/statuspage/atlassian/errors';
import { parseComponentMap, toStatuspageIncident } from '../../src/statuspage/atlassian/map-update';
import { FakeStatuspage } from '../support/fake-atlassian-statuspage';

const API_KEY = 'sp-integration-0a1b2c3d4e5f';
const PAGE_ID = 'kctbh9vrtdwd';
const COMPONENTS = ['api0eu1', 'sei0eu1'];
const componentMap = parseComponentMap('{"Prod Eu1 / API": "api0eu1", "Prod Eu1 / SEI": "sei0eu1"}');

let fake: FakeStatuspage;
beforeEach(async () => {
  fake = await FakeStatuspage.start({ apiKey: API_KEY, pageId: PAGE_ID, components: COMPONENTS });
});
afterEach(() => fake.close());

function client(overrides: { apiKey?: string; pageId?: string } = {}): StatuspageClient {
  return new StatuspageClient({ apiKey: API_KEY, pageId: PAGE_ID, baseUrl: fake.baseUrl, ...overrides });
}

const declared = toStatuspageIncident({
  title: 'Slow dashboards',
  stage: 'investigating',
  body: 'We are investigating slow dashboards.',
  impact: 'minor',
  componentImpacts: [
    { componentName: 'API', group: 'Prod Eu1', impact: 'DEGRADED_PERFORMANCE' },
    { componentName: 'Search', group: 'Prod Eu1', impact: 'MAJOR_OUTAGE' },
  ],
  componentMap,
  notify: true,
});

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

it('the fake rejects a second request within a second (so the pacing tests mean something)', async () => {
  const post = () =>
    fetch(`${fake.baseUrl}/pages/${PAGE_ID}/incidents`, {
      method: 'POST',
      headers: { Authorization: `OAuth ${API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ incident: { name: 'x', status: 'investigating' } }),
    });
  expect((await post()).status).toBe(201);
  const second = await post();
  expect(second.status).toBe(429);
  expect(second.headers.get('retry-after')).toBe('1');
});

it('creates then updates an incident, one second apart', async () => {
  const sp = client();
  expect(declared.unmapped).toEqual(['Prod Eu1 / Search']);
  const created = await sp.createIncident(declared.input);
  expect(created.shortlink).toMatch(/^https:\/\/stspg\.io\//);
  expect(created.status).toBe('investigating');

  const resolved = toStatuspageIncident({
    title: 'Slow dashboards',
    stage: 'RESOLVED',
    body: 'Dashboards are fast again.',
    componentImpacts: [
      { componentName: 'API', group: 'Prod Eu1', impact: 'OPERATIONAL' },
      { componentName: 'SEI', group: 'Prod Eu1', impact: 'OPERATIONAL' },
    ],
    componentMap,
    notify: false,
  });
  const updated = await sp.updateIncident(created.id, resolved.input);
  expect(updated).toEqual({ id: created.id, status: 'resolved', shortlink: created.shortlink });

  const stored = fake.incidents.get(created.id)!;
  expect(fake.incidents.size).toBe(1);
  expect(stored).toMatchObject({
    name: 'Slow dashboards',
    status: 'resolved',
    impactOverride: 'minor',
    components: { api0eu1: 'operational', sei0eu1: 'operational' },
  });
  expect(stored.updates).toEqual([
    expect.objectContaining({
      status: 'investigating',
      body: 'We are investigating slow dashboards.',
      deliverNotifications: true,
    }),
    expect.objectContaining({
      status: 'resolved',
      body: 'Dashboards are fast again.',
      deliverNotifications: false,
    }),
  ]);
  expect(fake.requests.map((r) => [r.method, r.status])).toEqual([
    ['POST', 201],
    ['PATCH', 200],
  ]);
  expect(gaps(fake.requests.map((r) => r.at))[0]).toBeGreaterThanOrEqual(950);
});

it('paces concurrent calls instead of drawing 429s', async () => {
  const sp = client();
  const [a, b] = await Promise.all([sp.createIncident(declared.input), sp.createIncident(declared.input)]);
  expect(a.id).not.toBe(b.id);
  expect(fake.requests.map((r) => r.status)).toEqual([201, 201]);
  expect(gaps(fake.requests.map((r) => r.at))[0]).toBeGreaterThanOrEqual(950);
});

it.each([429, 420] as const)('waits Retry-After on %i, then creates exactly one incident', async (status) => {
  fake.failNext(1, { status, retryAfter: 1 });
  const created = await client().createIncident(declared.input);
  expect(fake.incidents.size).toBe(1);
  expect(fake.incidents.has(created.id)).toBe(true);
  expect(fake.requests.map((r) => r.status)).toEqual([status, 201]);
  expect(gaps(fake.requests.map((r) => r.at))[0]).toBeGreaterThanOrEqual(950);
});

it('retries a 500 and succeeds', async () => {
  fake.failNext(1, { status: 500 });
  await client().createIncident(declared.input);
  expect(fake.requests.map((r) => r.status)).toEqual([500, 201]);
  expect(fake.incidents.size).toBe(1);
});

it('fails permanently on a wrong key, without the key in the error and without retrying', async () => {
  const wrongKey = 'sp-wrong-key-zzzzzzzz';
  const error = await client({ apiKey: wrongKey })
    .createIncident(declared.input)
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StatuspageError);
  expect(error).toMatchObject({ status: 401, permanent: true });
  expect((error as Error).message).toMatch(/HTTP 401: Could not authenticate/);
  expect((error as Error).message).not.toContain(wrongKey);
  expect((error as Error).message).not.toContain(API_KEY);
  expect(fake.requests).toHaveLength(1);
});

it('fails permanently on an unknown page', async () => {
  const error = await client({ pageId: 'otherpage' })
    .createIncident(declared.input)
    .catch((e: unknown) => e);
  expect(error).toMatchObject({ status: 404, permanent: true });
  expect(fake.incidents.size).toBe(0);
});

it('fails permanently on a component the page does not have', async () => {
  const input = { ...declared.input, componentStatuses: { gone0000: 'major_outage' as const } };
  const error = await client()
    .createIncident(input)
    .catch((e: unknown) => e);
  expect(error).toMatchObject({
    status: 422,
    permanent: true,
    message: expect.stringMatching(/Component gone0000 not found$/),
  });
  expect(fake.requests).toHaveLength(1);
});

it('publishes a postmortem', async () => {
  const sp = client();
  const created = await sp.createIncident(declared.input);
  const published = await sp.publishPostmortem(created.id, '## Summary\nA bad deploy.');
  expect(published.publishedAt).toEqual(expect.any(String));
  expect(fake.incidents.get(created.id)!.postmortem).toEqual({
    bodyDraft: '## Summary\nA bad deploy.',
    publishedAt: published.publishedAt,
    notifySubscribers: false,
    notifyTwitter: false,
  });
  expect(
    fake.requests.map((r) => [
      r.method,
      r.path.replace(`/v1/pages/${PAGE_ID}/incidents/${created.id}`, '…'),
      r.status,
    ]),
  ).toEqual([
    ['POST', `/v1/pages/${PAGE_ID}/incidents`, 201],
    ['PUT', '…/postmortem', 200],
    ['PUT', '…/postmortem/publish', 200],
  ]);
  expect(Math.min(...gaps(fake.requests.map((r) => r.at)))).toBeGreaterThanOrEqual(950);
});
