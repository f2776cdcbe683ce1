import { renderHistoryPage, renderHomePage, renderIncidentPage } from '../../../src/statuspage/render/html';
import {
  SEED_BODIES,
  SEED_INCIDENT_ID,
  component,
  expectInOrder,
  openIncident,
  seedIncident,
  snapshot,
  update,
  visibleText,
  wellFormedErrors,
} from './support';

function seedPage(s = snapshot()): string {
  const html = renderIncidentPage(s, SEED_INCIDENT_ID);
  if (html === undefined) throw new Error('seed incident not rendered');
  return html;
}

describe('incident page (the seed report)', () => {
  const text = visibleText(seedPage());

  it('has the name, "Incident Report for", the updates newest first and the affected components', () => {
    expectInOrder(text, [
      'SEI - Team Settings and Efficiency Insights Inaccessible',
      'Incident Report for Harness',
      'Resolved',
      'This incident has been resolved.',
      'Posted Feb 13, 2026 - 02:21 PST',
      'Monitoring',
      SEED_BODIES.monitoring,
      'Posted Feb 13, 2026 - 02:10 PST',
      'Identified',
      SEED_BODIES.identified,
      'Posted Feb 12, 2026 - 23:15 PST',
      'Investigating',
      SEED_BODIES.investigating,
      'Posted Feb 12, 2026 - 22:51 PST',
      'This incident affected: Software Engineering Insights (SEI) (Prod Eu1), Software Engineering Insights (SEI) (Prod 2), and Software Engineering Insights (SEI) (Prod 3).',
    ]);
  });

  it('puts the postmortem, with the seed headings, between the title and the updates', () => {
    expectInOrder(text, [
      'Incident Report for Harness',
      'Postmortem',
      'Summary',
      'Customers in the Prod2, Prod3, and EU production clusters',
      'Root Cause',
      'During a production deployment',
      'Impact',
      'Team Settings',
      'Duration',
      'February 12, 11:30 PM PST – February 13, 2:21 AM PST',
      'What was not impacted?',
      'Org tree and other metadata operational flows',
      'Remediation',
      'restoring synchronisation',
      'Action Items',
      'Full Automation of Database Migrations',
      'Functional Automation and Monitoring',
      'Strengthened Deployment Checkpoints',
      'Posted Feb 20, 2026 - 11:06 PST',
      'Resolved',
    ]);
  });

  it('numbers the action items and lists bullet lines', () => {
    const html = seedPage();
    expect(html).toMatch(
      /<h3>Action Items<\/h3>\s*<ol>\s*<li><p>Full Automation of Database Migrations<\/p>/,
    );
    expect(html).toContain(
      '<ul><li>Team Settings</li><li>Efficiency Profiles</li><li>Efficiency Insights</li></ul>',
    );
  });

  it('reproduces the seed sentence exactly when components are laid out as on Statuspage', () => {
    const s = snapshot({ incidents: [seedIncident('statuspage')] });
    expect(visibleText(seedPage(s))).toContain(
      'This incident affected: Prod Eu1 (Software Engineering Insights (SEI)), Prod 2 (Software Engineering Insights (SEI)), and Prod 3 (Software Engineering Insights (SEI)).',
    );
  });

  it.each([
    [[component({ id: 'a', name: 'API', group: 'Prod Eu1' })], 'This incident affected: API (Prod Eu1).'],
    [
      [component({ id: 'a', name: 'API' }), component({ id: 'b', name: 'Web' })],
      'This incident affected: API and Web.',
    ],
    [[], undefined],
  ])('lists %j as one, two or no components', (components, sentence) => {
    const incident = { ...seedIncident(), components };
    const text = visibleText(seedPage(snapshot({ incidents: [incident] })));
    if (sentence === undefined) expect(text).not.toContain('This incident affected');
    else expect(text).toContain(sentence);
  });

  it('omits the postmortem when there is none and keeps line breaks in bodies', () => {
    const body = 'First line\nsecond line\n\nNew paragraph';
    const incident = {
      ...seedIncident(),
      postmortem: null,
      updates: [update('x', 'identified', '2026-02-13T07:15:00Z', body)],
    };
    const html = seedPage(snapshot({ incidents: [incident] }));
    expect(visibleText(html)).not.toContain('Postmortem');
    expect(html).toContain('<p>First line<br>\nsecond line</p>\n<p>New paragraph</p>');
  });

  it('is undefined for an unknown incident', () => {
    expect(renderIncidentPage(snapshot(), 'nope')).toBeUndefined();
  });

  it('marks times up with <time datetime> in UTC', () => {
    expect(seedPage()).toContain('<time datetime="2026-02-13T10:21:00.000Z">Feb 13, 2026 - 02:21 PST</time>');
  });
});

describe('page time zone and daylight saving time', () => {
  it('prints PST before and PDT after the spring-forward change in America/Los_Angeles', () => {
    const incident = {
      ...seedIncident(),
      postmortem: null,
      updates: [
        update('after', 'resolved', '2026-03-08T10:30:00Z', 'After the change.'),
        update('before', 'investigating', '2026-03-08T09:30:00Z', 'Before the change.'),
      ],
    };
    const text = visibleText(seedPage(snapshot({ incidents: [incident] })));
    expectInOrder(text, [
      'After the change.',
      'Posted Mar 8, 2026 - 03:30 PDT',
      'Before the change.',
      'Posted Mar 8, 2026 - 01:30 PST',
    ]);
  });

  it('uses the page time zone, not the host one', () => {
    const s = snapshot();
    const utc = snapshot({ page: { ...s.page, timeZone: 'UTC' } });
    expect(visibleText(seedPage(utc))).toContain('Posted Feb 13, 2026 - 10:21 UTC');
  });
});

describe('home page', () => {
  it('shows the banner, active incidents with their latest update, components by group and a history link', () => {
    const open = openIncident('open-1', 'minor', {
      updates: [
        update('o2', 'identified', '2026-03-01T12:30:00Z', 'Cause found.'),
        update('o1', 'investigating', '2026-03-01T12:00:00Z', 'Looking.'),
      ],
    });
    const components = [
      component({
        id: 'web',
        name: 'Website',
        position: 0,
        status: 'degraded_performance',
        description: 'Public site',
      }),
      ...snapshot().components,
    ];
    const html = renderHomePage(snapshot({ components, incidents: [open, seedIncident()] }));
    const text = visibleText(html);
    expectInOrder(text, [
      'Harness Status',
      'Minor Service Outage',
      'Active incidents',
      'Incident open-1',
      'Impact: Minor',
      'Identified',
      'Cause found.',
      'Posted Mar 1, 2026 - 04:30 PST',
      'Components',
      'Website',
      'Degraded Performance',
      'Public site',
      'Prod Eu1',
      'Software Engineering Insights (SEI)',
      'Operational',
      'Prod 2',
      'Prod 3',
      'Incident history',
    ]);
    expect(text).not.toContain('Looking.');
    expect(text).not.toContain(SEED_BODIES.resolved);
    expect(html).toContain('href="/incidents/open-1"');
    expect(html).toContain('href="/history"');
    expect(html).toContain('class="banner indicator-minor"');
  });

  it('says when nothing is going on', () => {
    const text = visibleText(renderHomePage(snapshot()));
    expect(text).toContain('All Systems Operational');
    expect(text).toContain('No active incidents.');
  });

  it('gives every component status both a colour class and a text label', () => {
    const statuses = [
      'operational',
      'degraded_performance',
      'partial_outage',
      'major_outage',
      'under_maintenance',
    ] as const;
    const labels = [
      'Operational',
      'Degraded Performance',
      'Partial Outage',
      'Major Outage',
      'Under Maintenance',
    ];
    const components = statuses.map((status, i) =>
      component({ id: status, name: `C${i}`, status, position: i }),
    );
    const html = renderHomePage(snapshot({ components, incidents: [] }));
    statuses.forEach((status, i) => {
      expect(html).toContain(
        `<span class="status status-${status}"><span class="dot" aria-hidden="true"></span>${labels[i]}</span>`,
      );
      expect(html).toMatch(new RegExp(`\\.status-${status}\\{color:#[0-9a-f]{6}\\}`));
    });
  });
});

describe('history page', () => {
  it('groups incidents by month in the page time zone, newest first, each linking to its page', () => {
    // 2026-03-01T05:00Z is still February in Los Angeles.
    const march = openIncident('march', 'minor', { createdAt: new Date('2026-03-02T12:00:00Z') });
    const lateFeb = openIncident('late-feb', 'none', { createdAt: new Date('2026-03-01T05:00:00Z') });
    const html = renderHistoryPage(snapshot({ incidents: [march, lateFeb, seedIncident()] }));
    expectInOrder(visibleText(html), [
      'Incident History',
      'March 2026',
      'Incident march',
      'February 2026',
      'Incident late-feb',
      'SEI - Team Settings and Efficiency Insights Inaccessible',
      'Impact: Major',
      'Resolved',
      'Feb 12, 2026 - 22:51 PST to Feb 13, 2026 - 02:21 PST',
    ]);
    expect(html).toContain(`href="/incidents/${SEED_INCIDENT_ID}"`);
    expect(html).toContain('href="/incidents/late-feb"');
  });

  it('says so when there are no incidents', () => {
    expect(visibleText(renderHistoryPage(snapshot({ incidents: [] })))).toContain('No incidents reported.');
  });
});

describe('every page', () => {
  const s = snapshot({ incidents: [openIncident('open-1', 'critical'), seedIncident()] });
  const pages = {
    home: renderHomePage(s),
    incident: seedPage(s),
    history: renderHistoryPage(s),
  };

  it.each(Object.entries(pages))('%s is an accessible, self-contained HTML5 document', (_name, html) => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html.match(/<h1[ >]/g)).toHaveLength(1);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<script|<img|<iframe|javascript:|\bsrc=|https?:\/\//i);
    expect(html).not.toMatch(/<link[^>]+rel="stylesheet"/);
    expect(html).not.toMatch(/ on[a-z]+=/i);
    expect(wellFormedErrors(html, 'html')).toEqual([]);
  });
});
