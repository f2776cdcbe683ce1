import { incidentsSchema, renderIncidents, renderSummary } from '../../../src/statuspage/render/json';
import { SEED_INCIDENT_ID, openIncident, snapshot } from './support';

describe('postmortem in the Statuspage v2 JSON', () => {
  const s = snapshot({ incidents: [openIncident('open-1', 'minor'), ...snapshot().incidents] });

  it('gives a published postmortem as markdown in the seed report’s order, with its publication time', () => {
    const json = renderIncidents(s);
    expect(incidentsSchema.safeParse(json).success).toBe(true);
    const seed = json.incidents.find((i) => i.id === SEED_INCIDENT_ID)!;
    expect(seed.postmortem_published_at).toBe('2026-02-20T19:06:00.000Z');
    const headings = [...seed.postmortem_body!.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      'Summary',
      'Root Cause',
      'Impact',
      'Duration',
      'What was not impacted?',
      'Remediation',
      'Action Items',
    ]);
    expect(seed.postmortem_body).toContain(
      '## Duration\n\nFebruary 12, 11:30 PM PST – February 13, 2:21 AM PST\n\n',
    );
    expect(seed.postmortem_body).toContain('## Action Items\n\n1. Full Automation of Database Migrations');
  });

  it('gives null for an incident without one', () => {
    const open = renderSummary(s).incidents.find((i) => i.id === 'open-1')!;
    expect(open.postmortem_body).toBeNull();
    expect(open.postmortem_published_at).toBeNull();
  });
});
