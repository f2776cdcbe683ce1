import {
  componentsSchema,
  incidentsSchema,
  renderComponents,
  renderIncidents,
  renderStatus,
  renderSummary,
  renderUnresolvedIncidents,
  statusSchema,
  summarySchema,
  unresolvedIncidentsSchema,
} from '../../../src/statuspage/render/json';
import type { ComponentStatusName, Impact, StatusSnapshot } from '../../../src/statuspage/render/model';
import { PAGE_URL, SEED_INCIDENT_ID, component, openIncident, seedIncident, snapshot } from './support';

const busy = (): StatusSnapshot =>
  snapshot({
    incidents: [
      openIncident('open-b', 'minor', { createdAt: new Date('2026-03-02T00:00:00Z') }),
      openIncident('open-a', 'critical', {
        stage: 'monitoring',
        createdAt: new Date('2026-03-01T00:00:00Z'),
      }),
      seedIncident(),
    ],
  });

describe('JSON shapes (zod schemas of the Statuspage v2 format)', () => {
  it.each([
    ['summary', summarySchema, renderSummary],
    ['status', statusSchema, renderStatus],
    ['components', componentsSchema, renderComponents],
    ['incidents', incidentsSchema, renderIncidents],
    ['incidents/unresolved', unresolvedIncidentsSchema, renderUnresolvedIncidents],
  ] as const)('%s.json matches its schema', (_name, schema, render) => {
    for (const s of [snapshot(), busy(), snapshot({ incidents: [], components: [] })]) {
      const json: unknown = JSON.parse(JSON.stringify(render(s)));
      expect(schema.safeParse(json).error?.issues).toBeUndefined();
    }
  });

  it('the schemas are strict and check the enums', () => {
    const good = renderStatus(snapshot());
    expect(statusSchema.safeParse({ ...good, extra: 1 }).success).toBe(false);
    expect(
      statusSchema.safeParse({ ...good, status: { ...good.status, indicator: 'maintenance' } }).success,
    ).toBe(false);
    const incidents = renderIncidents(snapshot());
    const [first] = incidents.incidents;
    if (!first) throw new Error('no incident');
    expect(
      incidentsSchema.safeParse({ ...incidents, incidents: [{ ...first, status: 'postmortem' }] }).success,
    ).toBe(false);
    expect(unresolvedIncidentsSchema.safeParse(incidents).success).toBe(false);
  });
});

describe('page and status', () => {
  it('page carries the snapshot page and the latest change time', () => {
    const s = busy();
    const late = new Date('2026-04-01T00:00:00Z');
    const page = renderStatus({ ...s, incidents: [{ ...seedIncident(), updatedAt: late }] }).page;
    expect(page).toEqual({
      id: 'sitrep-page',
      name: 'Harness',
      url: PAGE_URL,
      time_zone: 'America/Los_Angeles',
      updated_at: '2026-04-01T00:00:00.000Z',
    });
    expect(renderStatus(snapshot()).page.updated_at).toBe('2026-02-21T00:00:00.000Z');
  });

  const withComponent = (status: ComponentStatusName) =>
    snapshot({ incidents: [], components: [component({ id: 'c', status })] });
  it.each<[string, StatusSnapshot, Impact, string]>([
    ['nothing wrong', snapshot(), 'none', 'All Systems Operational'],
    ['a degraded component', withComponent('degraded_performance'), 'minor', 'Minor Service Outage'],
    ['a partial outage', withComponent('partial_outage'), 'major', 'Partial System Outage'],
    ['a major outage', withComponent('major_outage'), 'critical', 'Major Service Outage'],
    ['maintenance only', withComponent('under_maintenance'), 'none', 'Service Under Maintenance'],
    [
      'an open minor incident',
      snapshot({ incidents: [openIncident('x', 'minor')] }),
      'minor',
      'Minor Service Outage',
    ],
    ['the worst open incident', busy(), 'critical', 'Major Service Outage'],
    [
      'a resolved critical incident (ignored)',
      snapshot({ incidents: [{ ...seedIncident(), impact: 'critical' }] }),
      'none',
      'All Systems Operational',
    ],
    [
      'the worse of incidents and components',
      { ...withComponent('partial_outage'), incidents: [openIncident('x', 'minor')] },
      'major',
      'Partial System Outage',
    ],
  ])('indicator for %s', (_name, s, indicator, description) => {
    expect(renderStatus(s).status).toEqual({ indicator, description });
  });
});

describe('components', () => {
  it('lists groups as components with group: true and their member ids, members after their group', () => {
    const components = [component({ id: 'web', name: 'Website', position: 0 }), ...snapshot().components];
    components[2] = { ...components[2]!, status: 'partial_outage' };
    const list = renderComponents(snapshot({ components })).components;
    expect(list.map((c) => [c.id, c.group, c.group_id])).toEqual([
      ['web', false, null],
      ['group-prod-eu1', true, null],
      ['sei-1', false, 'group-prod-eu1'],
      ['group-prod-2', true, null],
      ['sei-2', false, 'group-prod-2'],
      ['group-prod-3', true, null],
      ['sei-3', false, 'group-prod-3'],
    ]);
    const group = list[3];
    expect(group).toMatchObject({
      name: 'Prod 2',
      status: 'partial_outage',
      components: ['sei-2'],
      page_id: 'sitrep-page',
    });
    expect(list[0]).toMatchObject({
      description: null,
      showcase: false,
      only_show_if_degraded: false,
      start_date: null,
    });
  });

  it('gives colliding or symbol-only group names distinct ids', () => {
    const components = [
      component({ id: 'a', group: 'Prod 2', position: 1 }),
      component({ id: 'b', group: 'prod-2', position: 2 }),
      component({ id: 'c', group: '🚀', position: 3 }),
      component({ id: 'd', group: 'Région Été', position: 4 }),
    ];
    const ids = renderComponents(snapshot({ components }))
      .components.filter((c) => c.group)
      .map((c) => c.id);
    expect(new Set(ids).size).toBe(4);
    expect(ids[0]).toMatch(/^group-prod-2-[0-9a-f]{8}$/);
    expect(ids[2]).toMatch(/^group-[0-9a-f]{8}$/);
    expect(ids[3]).toBe('group-région-été');
  });
});

describe('incidents', () => {
  it('renders the seed incident the Statuspage way', () => {
    const [incident] = renderIncidents(snapshot()).incidents;
    expect(incident).toMatchObject({
      id: SEED_INCIDENT_ID,
      status: 'resolved',
      impact: 'major',
      created_at: '2026-02-13T06:51:00.000Z',
      monitoring_at: '2026-02-13T10:10:00.000Z',
      resolved_at: '2026-02-13T10:21:00.000Z',
      shortlink: `${PAGE_URL}/incidents/${SEED_INCIDENT_ID}`,
      page_id: 'sitrep-page',
    });
    expect(incident?.components.map((c) => c.group_id)).toEqual([
      'group-prod-eu1',
      'group-prod-2',
      'group-prod-3',
    ]);
    const updates = incident?.incident_updates ?? [];
    expect(updates.map((u) => [u.status, u.display_at])).toEqual([
      ['resolved', '2026-02-13T10:21:00.000Z'],
      ['monitoring', '2026-02-13T10:10:00.000Z'],
      ['identified', '2026-02-13T07:15:00.000Z'],
      ['investigating', '2026-02-13T06:51:00.000Z'],
    ]);
    expect(updates.every((u) => u.incident_id === SEED_INCIDENT_ID)).toBe(true);
    expect(updates[3]?.affected_components[0]).toEqual({
      code: 'sei-1',
      name: 'Software Engineering Insights (SEI) (Prod Eu1)',
      old_status: 'operational',
      new_status: 'partial_outage',
    });
    // Resolved: old status is what the investigating update set.
    expect(updates[0]?.affected_components.map((a) => [a.old_status, a.new_status])).toEqual([
      ['partial_outage', 'operational'],
      ['partial_outage', 'operational'],
      ['partial_outage', 'operational'],
    ]);
    expect(updates[1]?.affected_components).toEqual([]);
  });

  it('sorts newest first and keeps at most 50', () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      openIncident(`i${i}`, 'none', { createdAt: new Date(Date.UTC(2026, 0, 1 + i)) }),
    );
    const list = renderIncidents(snapshot({ incidents: many })).incidents;
    expect(list).toHaveLength(50);
    expect(list[0]?.id).toBe('i59');
    expect(list[49]?.id).toBe('i10');
  });

  it('unresolved.json and summary.json list only unresolved incidents, newest first', () => {
    const s = busy();
    expect(renderUnresolvedIncidents(s).incidents.map((i) => i.id)).toEqual(['open-b', 'open-a']);
    expect(renderSummary(s).incidents.map((i) => i.id)).toEqual(['open-b', 'open-a']);
    expect(renderIncidents(s).incidents.map((i) => i.id)).toEqual(['open-b', 'open-a', SEED_INCIDENT_ID]);
    expect(renderSummary(s).scheduled_maintenances).toEqual([]);
  });

  it('never reports a resolved_at on a reopened incident', () => {
    const reopened = { ...seedIncident(), stage: 'investigating' as const };
    const [incident] = renderUnresolvedIncidents(snapshot({ incidents: [reopened] })).incidents;
    expect(incident?.resolved_at).toBeNull();
  });
});
