import fc from 'fast-check';
import { incidentMetrics } from '../../../src/domain/incident-metrics';
import {
  describeImpactWindow,
  renderPostmortemMarkdown,
  reportSections,
  type PostmortemReport,
} from '../../../src/domain/postmortem-report';
import { formatApproximateDuration, formatReportTime } from '../../../src/domain/time-format';

const LA = 'America/Los_Angeles';
const MIN = 60_000;
const HOUR = 60 * MIN;

/** The seed report (shared/seed/000_6f52e3a7a6d05877.txt), as Sitrep holds it. */
const SEED: PostmortemReport = {
  incidentKey: 'INC-1',
  title: 'SEI - Team Settings and Efficiency Insights Inaccessible',
  summary:
    'Customers in the Prod2, Prod3, and EU production clusters experienced page load errors when accessing Team Settings, Efficiency Profiles, and Efficiency Insights.\n\nNo customer data was lost.',
  rootCause: 'During a production deployment, Harness team identified a process bug in the migration step.',
  impact:
    'The following functionalities were impacted during the incident window:\n\n• Team Settings\n• Efficiency Profiles\n• Efficiency Insights',
  notImpacted: '• Data ingestion and processing\n• Productivity Insights',
  remediation: 'The issue was resolved by executing the required database migration procedure.',
  impactStartedAt: new Date('2026-02-13T07:30:00Z'),
  impactEndedAt: new Date('2026-02-13T10:21:00Z'),
  actionItems: [
    {
      title: 'Full Automation of Database Migrations',
      ownerId: 'U0DBA',
      dueAt: new Date('2026-03-15T00:00:00Z'),
      priority: 'high',
      state: 'open',
    },
    { title: 'Drop the old page', ownerId: 'U0OPS', dueAt: null, priority: 'low', state: 'wont_do' },
  ],
  updates: [
    { stage: 'investigating', body: 'Looking.', postedAt: new Date('2026-02-13T06:51:00Z') },
    {
      stage: 'resolved',
      body: 'This incident has been resolved.',
      postedAt: new Date('2026-02-13T10:21:00Z'),
    },
  ],
  metrics: incidentMetrics({
    declaredAt: new Date('2026-02-13T06:51:00Z'),
    identifiedAt: new Date('2026-02-13T07:15:00Z'),
    monitoringAt: new Date('2026-02-13T10:10:00Z'),
    resolvedAt: new Date('2026-02-13T10:21:00Z'),
    impactStartedAt: new Date('2026-02-13T07:30:00Z'),
    impactEndedAt: new Date('2026-02-13T10:21:00Z'),
  }),
  published: true,
};

describe('formatReportTime and formatApproximateDuration', () => {
  it('print the seed report’s impact window and its “3.5 hours”', () => {
    expect(formatReportTime(new Date('2026-02-13T07:30:00Z'), LA)).toBe('February 12, 11:30 PM PST');
    expect(formatReportTime(new Date('2026-02-13T10:21:00Z'), LA)).toBe('February 13, 2:21 AM PST');
    expect(formatReportTime(new Date('2026-02-13T10:21:00Z'), 'UTC')).toBe('February 13, 10:21 AM UTC');
    expect(formatApproximateDuration(3.5 * HOUR)).toBe('3.5 hours');
  });

  it.each([
    [30_000, 'less than a minute'],
    [MIN, '1 minute'],
    [45 * MIN, '45 minutes'],
    [60 * MIN, '1 hour'],
    [171 * MIN, '3 hours'],
    [200 * MIN, '3.5 hours'],
    [47 * HOUR, '47 hours'],
    [60 * HOUR, '2.5 days'],
    [-5, 'less than a minute'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatApproximateDuration(ms)).toBe(text);
  });

  it('grows with the duration', () => {
    const toHours = (text: string) => {
      const n = Number.parseFloat(text);
      return text.includes('minute') ? (Number.isNaN(n) ? 0 : n / 60) : text.includes('day') ? n * 24 : n;
    };
    fc.assert(
      fc.property(fc.nat(30 * 24 * HOUR), fc.nat(30 * 24 * HOUR), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(toHours(formatApproximateDuration(lo))).toBeLessThanOrEqual(
          toHours(formatApproximateDuration(hi)),
        );
      }),
    );
  });
});

describe('describeImpactWindow', () => {
  it('reads like the seed report’s Duration', () => {
    expect(describeImpactWindow(SEED.impactStartedAt, SEED.impactEndedAt, LA)).toBe(
      'February 12, 11:30 PM PST – February 13, 2:21 AM PST (about 3 hours)',
    );
    expect(describeImpactWindow(SEED.impactStartedAt, SEED.impactEndedAt, 'UTC', false)).toBe(
      'February 13, 7:30 AM UTC – February 13, 10:21 AM UTC',
    );
    expect(describeImpactWindow(SEED.impactStartedAt, null, 'UTC')).toBe(
      'Since February 13, 7:30 AM UTC (ongoing)',
    );
    expect(describeImpactWindow(null, null, 'UTC')).toBe('');
  });
});

describe('renderPostmortemMarkdown', () => {
  it('has the seed report’s sections in its order, the window in UTC', () => {
    const markdown = renderPostmortemMarkdown(SEED, { timeZone: 'UTC', audience: 'public' });
    const headings = markdown.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual([
      '## Summary',
      '## Root Cause',
      '## Impact',
      '## Duration',
      '## What was not impacted?',
      '## Remediation',
      '## Action Items',
    ]);
    expect(markdown).toContain('# INC-1: SEI - Team Settings and Efficiency Insights Inaccessible');
    expect(markdown).toContain(
      '## Duration\n\nFebruary 13, 7:30 AM UTC – February 13, 10:21 AM UTC (about 3 hours)\n',
    );
    expect(markdown).toContain('## Action Items\n\n1. Full Automation of Database Migrations\n');
    // Public: no owners, no dropped items, no internal sections.
    expect(markdown).not.toContain('U0DBA');
    expect(markdown).not.toContain('Drop the old page');
    expect(markdown).not.toContain('Response times');
  });

  it('adds owners, due dates, response times and the public updates for the team', () => {
    const markdown = renderPostmortemMarkdown(
      { ...SEED, published: false },
      { timeZone: LA, audience: 'internal' },
    );
    expect(markdown).toContain('_Draft, not published._');
    expect(markdown).toContain(
      '## Duration\n\nFebruary 12, 11:30 PM PST – February 13, 2:21 AM PST (about 3 hours)\n\nThe incident was open for about 3.5 hours, from declaration to resolution.\n',
    );
    expect(markdown).toContain(
      '1. Full Automation of Database Migrations (owner <@U0DBA>, due 2026-03-15, high priority, open)',
    );
    expect(markdown).toContain("2. Drop the old page (owner <@U0OPS>, no due date, low priority, won't do)");
    expect(markdown).toContain(
      '## Response times\n\n- Time to identify: 24m\n- Time to mitigate: 3h 19m\n- Time to resolve: 3h 30m\n- Impact duration: 2h 51m',
    );
    expect(markdown).toContain('- Resolved, Feb 13, 2026 - 02:21 PST: This incident has been resolved.');
  });

  it('leaves out empty sections and can drop its heading (for Statuspage)', () => {
    const empty = { ...SEED, rootCause: '  ', actionItems: [], impactStartedAt: null };
    const sections = reportSections(empty, { timeZone: 'UTC', audience: 'public' }).map((s) => s.heading);
    expect(sections).toEqual(['Summary', 'Impact', 'What was not impacted?', 'Remediation']);
    const body = renderPostmortemMarkdown(empty, { timeZone: 'UTC', audience: 'public', heading: false });
    expect(body.startsWith('## Summary')).toBe(true);
  });
});
