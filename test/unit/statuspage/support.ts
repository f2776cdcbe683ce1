/**
 * Fixtures and checks for the status-page renderer tests: the seed incident
 * (/work/shared/seed/000_6f52e3a7a6d05877.txt) as a snapshot, a visible-text extractor and a small
 * well-formedness checker for the XML feeds and the HTML pages.
 */
import type { Stage } from '../../../src/domain/stages';
import type {
  ComponentStatusName,
  Impact,
  PublicComponent,
  PublicIncident,
  PublicUpdate,
  StatusSnapshot,
} from '../../../src/statuspage/render/model';

export const LA = 'America/Los_Angeles';
export const PAGE_URL = 'https://status.example.com';
export const SEED_INCIDENT_ID = '6f52e3a7-a6d0-4587-8000-000000000001';
const SEI = 'Software Engineering Insights (SEI)';
const CLUSTERS = ['Prod Eu1', 'Prod 2', 'Prod 3'];

export function component(overrides: Partial<PublicComponent> & { id: string }): PublicComponent {
  return {
    name: overrides.id,
    group: null,
    status: 'operational',
    description: '',
    position: 0,
    updatedAt: new Date('2026-02-13T10:21:00Z'),
    ...overrides,
  };
}

/**
 * Sitrep's own layout (components.example.yml): the SEI component in each cluster group. The seed
 * page, as Statuspage does, has it the other way round: a group "Software Engineering Insights
 * (SEI)" holding components "Prod Eu1", "Prod 2", "Prod 3". `statuspage` builds that layout.
 */
export function seedComponents(layout: 'sitrep' | 'statuspage' = 'sitrep'): PublicComponent[] {
  return CLUSTERS.map((cluster, index) =>
    component({
      id: `sei-${index + 1}`,
      name: layout === 'sitrep' ? SEI : cluster,
      group: layout === 'sitrep' ? cluster : SEI,
      position: index + 1,
    }),
  );
}

export function update(
  id: string,
  stage: Stage,
  postedAt: string,
  body: string,
  affected: { component: PublicComponent; newStatus: ComponentStatusName }[] = [],
): PublicUpdate {
  return {
    id,
    stage,
    body,
    postedAt: new Date(postedAt),
    affected: affected.map((a) => ({
      componentId: a.component.id,
      name: a.component.name,
      group: a.component.group,
      newStatus: a.newStatus,
    })),
  };
}

export const SEED_BODIES = {
  investigating:
    'On February 12-13, 2026, the Software Engineering Insights (SEI) module experienced a service disruption lasting approximately 3.5 hours. During this period, users were unable to access team settings, efficiency profiles, and efficiency insights features.',
  identified: 'The issue has been identified and a fix is being implemented.',
  monitoring: 'A fix has been implemented and we are monitoring the results.',
  resolved: 'This incident has been resolved.',
} as const satisfies Record<Stage, string>;

export function seedIncident(layout: 'sitrep' | 'statuspage' = 'sitrep'): PublicIncident {
  const components = seedComponents(layout);
  const all = (newStatus: ComponentStatusName) => components.map((c) => ({ component: c, newStatus }));
  return {
    id: SEED_INCIDENT_ID,
    name: 'SEI - Team Settings and Efficiency Insights Inaccessible',
    stage: 'resolved',
    impact: 'major',
    createdAt: new Date('2026-02-13T06:51:00Z'),
    updatedAt: new Date('2026-02-20T19:06:00Z'),
    startedAt: new Date('2026-02-13T06:51:00Z'),
    monitoringAt: new Date('2026-02-13T10:10:00Z'),
    resolvedAt: new Date('2026-02-13T10:21:00Z'),
    components,
    updates: [
      update('u4', 'resolved', '2026-02-13T10:21:00Z', SEED_BODIES.resolved, all('operational')),
      update('u3', 'monitoring', '2026-02-13T10:10:00Z', SEED_BODIES.monitoring),
      update('u2', 'identified', '2026-02-13T07:15:00Z', SEED_BODIES.identified),
      update('u1', 'investigating', '2026-02-13T06:51:00Z', SEED_BODIES.investigating, all('partial_outage')),
    ],
    postmortem: {
      publishedAt: new Date('2026-02-20T19:06:00Z'),
      summary:
        'Customers in the Prod2, Prod3, and EU production clusters experienced page load errors when accessing Team Settings, Efficiency Profiles, and Efficiency Insights during a limited window on February 12, 11:30 PM PST to February 13, 2:21 AM PST.\n\nNo customer data was lost. Data ingestion, processing, and other core product capabilities remained fully operational throughout the incident. SEI 1.0 customers were not impacted.',
      rootCause:
        'During a production deployment, Harness team identified a process bug in the migration step. As a result, the application and database schema became temporarily out of sync. This schema mismatch caused specific pages (Team Settings, Efficiency Profiles, and Efficiency Insights) to fail to load properly.',
      impact:
        'The following functionalities were impacted during the incident window:\n\n• Team Settings\n• Efficiency Profiles\n• Efficiency Insights\n\nUsers attempting to access these areas experienced page load errors.',
      duration: 'February 12, 11:30 PM PST – February 13, 2:21 AM PST',
      notImpacted:
        'The following systems and capabilities remained fully operational:\n\n• Data ingestion and processing\n• Productivity Insights\n• BA Insights\n• AI Insights\n• Integrations\n• Org tree and other metadata operational flows\n• Customers using SEI 1.0\n\nNo customer data was lost.',
      remediation:
        'The issue was resolved by executing the required database migration procedure in the production environment, restoring synchronisation between the application and database.',
      actionItems: [
        'Full Automation of Database Migrations\n\nAll production database migration steps will be integrated into our CI/CD deployment pipeline, eliminating manual execution and reducing the risk of human error.',
        'Functional Automation and Monitoring\n\nWe are converting schema validation into automated functional test coverage.\n\nThis ensures that any application–database mismatch is detected immediately during deployment.',
        'Strengthened Deployment Checkpoints\n\nWe are enhancing our post deployment automation to detect and prevent such issues.',
      ],
    },
  };
}

export function snapshot(overrides: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    page: { id: 'sitrep-page', name: 'Harness', url: PAGE_URL, timeZone: LA },
    components: seedComponents(),
    incidents: [seedIncident()],
    generatedAt: new Date('2026-02-21T00:00:00Z'),
    ...overrides,
  };
}

/** A small open incident, for tests that need something other than the seed. */
export function openIncident(
  id: string,
  impact: Impact,
  overrides: Partial<PublicIncident> = {},
): PublicIncident {
  const at = overrides.createdAt ?? new Date('2026-03-01T12:00:00Z');
  return {
    id,
    name: `Incident ${id}`,
    stage: 'investigating',
    impact,
    createdAt: at,
    updatedAt: at,
    startedAt: at,
    monitoringAt: null,
    resolvedAt: null,
    components: [],
    updates: [update(`${id}-u1`, 'investigating', at.toISOString(), `Looking into ${id}.`)],
    postmortem: null,
    ...overrides,
  };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };

/** What a reader sees: no head, no tags, entities decoded, whitespace collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|#39);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Fails with the first fragment not found after the previous one. */
export function expectInOrder(text: string, fragments: readonly string[]): void {
  let from = 0;
  for (const fragment of fragments) {
    const at = text.indexOf(fragment, from);
    if (at < 0)
      throw new Error(`"${fragment}" not found after offset ${from} in:\n${text.slice(from, from + 400)}`);
    from = at + fragment.length;
  }
}

const HTML_VOID = new Set(['meta', 'link', 'br', 'hr', 'img', 'input']);
const TAG = /^<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'))?)*)\s*(\/?)>/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

/**
 * Well-formedness problems of an XML document (or, with `html`, of our XHTML-like HTML: void
 * elements, a doctype, raw `<style>`): unknown entities, bad tags, unbalanced elements, several
 * roots. Empty means well-formed. Not a full parser, but it catches any escaping slip.
 */
export function wellFormedErrors(doc: string, mode: 'xml' | 'html' = 'xml'): string[] {
  const errors: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const skipTo = (end: string): void => {
    const at = doc.indexOf(end, i);
    if (at < 0) errors.push(`unterminated construct at ${i}`);
    i = at < 0 ? doc.length : at + end.length;
  };
  while (i < doc.length && errors.length === 0) {
    const rest = doc.slice(i, i + 2000);
    if (doc[i] === '&') {
      const m = ENTITY.exec(rest);
      if (!m) errors.push(`bare & at ${i}: ${rest.slice(0, 20)}`);
      i += m ? m[0].length : 1;
    } else if (doc[i] !== '<') i += 1;
    else if (rest.startsWith('<?xml')) {
      if (i !== 0) errors.push('XML declaration not at start');
      skipTo('?>');
    } else if (rest.startsWith('<!--')) skipTo('-->');
    else if (mode === 'html' && rest.startsWith('<!DOCTYPE html>')) i += '<!DOCTYPE html>'.length;
    else {
      const m = TAG.exec(rest);
      if (!m) {
        errors.push(`bad markup at ${i}: ${rest.slice(0, 30)}`);
        break;
      }
      const [whole, closing, name = '', attrs = '', selfClosing] = m;
      for (const amp of attrs.matchAll(/&/g)) {
        if (!ENTITY.test(attrs.slice(amp.index))) errors.push(`bare & in attribute of <${name}>`);
      }
      i += whole.length;
      if (closing) {
        const open = stack.pop();
        if (open !== name) errors.push(`</${name}> closes <${open ?? 'nothing'}>`);
      } else if (!selfClosing && !(mode === 'html' && HTML_VOID.has(name))) {
        if (stack.length === 0) roots += 1;
        stack.push(name);
        if (mode === 'html' && name === 'style') {
          // Raw text up to its end tag, which closes the element.
          skipTo('</style>');
          stack.pop();
        }
      } else if (stack.length === 0) roots += 1;
    }
  }
  if (stack.length > 0) errors.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) errors.push(`${roots} root elements`);
  return errors;
}
