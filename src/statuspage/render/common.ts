/**
 * Vocabulary and derivations shared by the JSON, HTML and feed renderers, so that the three
 * always agree on ordering, labels and the overall indicator.
 */
import type {
  ComponentStatusName,
  Impact,
  PublicComponent,
  PublicIncident,
  PublicUpdate,
  StatusSnapshot,
} from './model';

export const COMPONENT_STATUSES = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const satisfies readonly ComponentStatusName[];

export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const satisfies readonly Impact[];

export const COMPONENT_STATUS_LABELS: Record<ComponentStatusName, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded Performance',
  partial_outage: 'Partial Outage',
  major_outage: 'Major Outage',
  under_maintenance: 'Under Maintenance',
};

export const IMPACT_LABELS: Record<Impact, string> = {
  none: 'None',
  minor: 'Minor',
  major: 'Major',
  critical: 'Critical',
};

export const INDICATOR_DESCRIPTIONS = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
} as const satisfies Record<Impact, string>;

/** Shown with indicator `none` when nothing is broken but something is under maintenance. */
export const MAINTENANCE_DESCRIPTION = 'Service Under Maintenance';

export type IndicatorDescription =
  (typeof INDICATOR_DESCRIPTIONS)[keyof typeof INDICATOR_DESCRIPTIONS] | typeof MAINTENANCE_DESCRIPTION;

/** Badness, for "worst of": maintenance is planned, so it ranks below any degradation. */
const STATUS_RANK: Record<ComponentStatusName, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

/**
 * Component status → indicator, following Statuspage's page-level wording: a degradation is a
 * "Minor Service Outage", a partial outage a "Partial System Outage" (`major`), a major outage a
 * "Major Service Outage" (`critical`). Maintenance alone does not raise the indicator.
 */
const STATUS_INDICATOR: Record<ComponentStatusName, Impact> = {
  operational: 'none',
  under_maintenance: 'none',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};

export function worstStatus(statuses: readonly ComponentStatusName[]): ComponentStatusName {
  return statuses.reduce<ComponentStatusName>(
    (worst, s) => (STATUS_RANK[s] > STATUS_RANK[worst] ? s : worst),
    'operational',
  );
}

function worstImpact(impacts: readonly Impact[]): Impact {
  return impacts.reduce<Impact>(
    (worst, i) => (IMPACTS.indexOf(i) > IMPACTS.indexOf(worst) ? i : worst),
    'none',
  );
}

export function isUnresolved(incident: PublicIncident): boolean {
  return incident.stage !== 'resolved';
}

/**
 * The page indicator is the worse of (a) the worst impact among unresolved incidents and (b) the
 * worst current component status mapped as above. Taking the maximum rather than "incidents, else
 * components" keeps a major outage visible while an incident marked `none` is open.
 */
export function pageStatus(s: StatusSnapshot): { indicator: Impact; description: IndicatorDescription } {
  const fromIncidents = worstImpact(s.incidents.filter(isUnresolved).map((i) => i.impact));
  const worstComponent = worstStatus(s.components.map((c) => c.status));
  const indicator = worstImpact([fromIncidents, STATUS_INDICATOR[worstComponent]]);
  const description: IndicatorDescription =
    indicator === 'none' && worstComponent === 'under_maintenance'
      ? MAINTENANCE_DESCRIPTION
      : INDICATOR_DESCRIPTIONS[indicator];
  return { indicator, description };
}

/** Statuspage names a grouped component `Name (Group)`. */
export function componentLabel(c: { name: string; group: string | null }): string {
  return c.group === null ? c.name : `${c.name} (${c.group})`;
}

/** `A`, `A and B`, `A, B, and C` (serial comma, as on Statuspage). */
export function joinList(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1] ?? ''}`;
}

/** Stable sort, newest first; ties keep their input order. */
function newestFirstBy<T>(items: readonly T[], at: (item: T) => Date): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => at(b.item).getTime() - at(a.item).getTime() || a.index - b.index)
    .map(({ item }) => item);
}

export function incidentsNewestFirst(s: StatusSnapshot): PublicIncident[] {
  return newestFirstBy(s.incidents, (i) => i.createdAt);
}

export function updatesNewestFirst(incident: PublicIncident): PublicUpdate[] {
  return newestFirstBy(incident.updates, (u) => u.postedAt);
}

export const MAX_LISTED_INCIDENTS = 50;

export function incidentPath(id: string): string {
  return `/incidents/${encodeURIComponent(id)}`;
}

export function incidentUrl(s: StatusSnapshot, id: string): string {
  return `${s.page.url}${incidentPath(id)}`;
}

export function latest(dates: readonly Date[]): Date {
  return dates.reduce((a, b) => (b.getTime() > a.getTime() ? b : a));
}

/** When the page last changed: generation time or the latest incident change, whichever is later. */
export function pageUpdatedAt(s: StatusSnapshot): Date {
  return latest([s.generatedAt, ...s.incidents.map((i) => i.updatedAt)]);
}

export interface AffectedChange {
  code: string;
  name: string;
  old_status: ComponentStatusName;
  new_status: ComponentStatusName;
}

/**
 * Per update id, its component changes with the status each component had before: the status set
 * by the previous update that touched it, else `operational`.
 */
export function affectedChanges(incident: PublicIncident): Map<string, AffectedChange[]> {
  const current = new Map<string, ComponentStatusName>();
  const result = new Map<string, AffectedChange[]>();
  for (const update of updatesNewestFirst(incident).reverse()) {
    const changes = update.affected.map((a) => {
      const change: AffectedChange = {
        code: a.componentId,
        name: componentLabel(a),
        old_status: current.get(a.componentId) ?? 'operational',
        new_status: a.newStatus,
      };
      return change;
    });
    for (const a of update.affected) current.set(a.componentId, a.newStatus);
    result.set(update.id, changes);
  }
  return result;
}

export interface ComponentSection {
  group: string | null;
  components: PublicComponent[];
}

/**
 * Components in display order: sorted by position (then name), each group placed where its first
 * member falls, ungrouped components standing alone. Used by the JSON list and the home page.
 */
export function componentSections(components: readonly PublicComponent[]): ComponentSection[] {
  const sorted = [...components].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  const sections: ComponentSection[] = [];
  const byGroup = new Map<string, ComponentSection>();
  for (const c of sorted) {
    if (c.group === null) {
      sections.push({ group: null, components: [c] });
      continue;
    }
    const existing = byGroup.get(c.group);
    if (existing) existing.components.push(c);
    else {
      const section = { group: c.group, components: [c] };
      byGroup.set(c.group, section);
      sections.push(section);
    }
  }
  return sections;
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable suffix for ids. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Stable ids for groups, which the model names but does not number: `group-<slug>`. A name that
 * slugs to nothing, or to the same slug as another group on the page, gets a hash of the exact
 * name appended, so distinct groups never share an id.
 */
export function groupIds(groupNames: readonly string[]): Map<string, string> {
  const names = [...new Set(groupNames)];
  const slugCount = new Map<string, number>();
  for (const name of names) slugCount.set(slug(name), (slugCount.get(slug(name)) ?? 0) + 1);
  return new Map(
    names.map((name) => {
      const s = slug(name);
      const unique = s !== '' && slugCount.get(s) === 1;
      return [name, unique ? `group-${s}` : `group-${s === '' ? '' : `${s}-`}${shortHash(name)}`];
    }),
  );
}
