import { API_KEY, caught, harness, incident, input } from './client-harness';

describe('StatuspageClient requests', () => {
  it('creates an incident with the documented body and OAuth header', async () => {
    const { client, calls } = harness([{ status: 201, body: incident }]);
    await expect(client.createIncident(input)).resolves.toEqual({
      id: 'inc1',
      status: 'identified',
      shortlink: 'https://stspg.io/x1',
    });
    const call = calls[0]!;
    expect(call.url).toBe('https://statuspage.test/v1/pages/page123/incidents');
    expect(call.init.method).toBe('POST');
    expect((call.init.headers as Record<string, string>).Authorization).toBe(`OAuth ${API_KEY}`);
    expect(JSON.parse(call.init.body as string)).toEqual({
      incident: {
        name: 'Slow dashboards',
        status: 'identified',
        body: 'Cause found.',
        impact_override: 'minor',
        component_ids: ['c1', 'c2'],
        components: { c1: 'degraded_performance', c2: 'operational' },
        deliver_notifications: true,
      },
    });
  });

  it('updates with PATCH, leaving out impact_override and empty components', async () => {
    const { client, calls } = harness([{ status: 200, body: { id: 'inc/1', status: 'resolved' } }]);
    const result = await client.updateIncident('inc/1', {
      ...input,
      status: 'resolved',
      impactOverride: undefined,
      componentStatuses: {},
      deliverNotifications: false,
    });
    expect(result).toEqual({ id: 'inc/1', status: 'resolved' });
    expect(calls[0]!.url).toBe('https://statuspage.test/v1/pages/page123/incidents/inc%2F1');
    expect(calls[0]!.init.method).toBe('PATCH');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({
      incident: {
        name: 'Slow dashboards',
        status: 'resolved',
        body: 'Cause found.',
        deliver_notifications: false,
      },
    });
  });

  it('publishes a postmortem with two PUTs', async () => {
    const { client, calls } = harness([
      { status: 200, body: { body_draft: '# PM' } },
      { status: 200, body: { published_at: '2026-02-13T10:00:00Z' } },
    ]);
    await expect(client.publishPostmortem('inc1', '# PM', { notifySubscribers: true })).resolves.toEqual({
      publishedAt: '2026-02-13T10:00:00Z',
    });
    expect(calls.map((c) => [c.init.method, c.url.replace('https://statuspage.test/v1', '')])).toEqual([
      ['PUT', '/pages/page123/incidents/inc1/postmortem'],
      ['PUT', '/pages/page123/incidents/inc1/postmortem/publish'],
    ]);
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ postmortem: { body_draft: '# PM' } });
    expect(JSON.parse(calls[1]!.init.body as string)).toEqual({
      postmortem: { notify_twitter: false, notify_subscribers: true },
    });
  });

  it('rejects a success answer without an id, without retrying', async () => {
    const { client, calls } = harness([{ status: 201, body: { status: 'investigating' } }]);
    const error = await caught(client.createIncident(input));
    expect(error).toMatchObject({ status: 201, permanent: true });
    expect(error.message).toMatch(/unexpected response \(HTTP 201\): id:/);
    expect(calls).toHaveLength(1);
  });

  it('rejects a success answer that is not JSON', async () => {
    const { client } = harness([{ status: 200, body: '<html>' }]);
    expect((await caught(client.createIncident(input))).message).toMatch(/unexpected response/);
  });
});
