/**
 * Atlassian Statuspage public v2 JSON (`/api/v2/*.json`) rendered from a snapshot. Pure: the same
 * snapshot always gives the same objects. Dates are ISO 8601 in UTC (`toISOString`).
 *
 * Choices where the model says less than Statuspage does:
 * - `created_at` of a component is its `updatedAt` (the model carries no creation time).
 * - Groups, which the model only names, are listed as components with `group: true`, id
 *   `group-<slug>` (see `groupIds`), the worst status of their members, the lowest member position
 *   and the latest member `updated_at`.
 * - `affected_components` is always an array (empty when an update changed no component).
 * - `resolved_at` is only given while the incident is resolved, so a reopened incident is never
 *   both open and resolved.
 */
import {
  MAX_LISTED_INCIDENTS,
  affectedChanges,
  componentSections,
  incidentUrl,
  incidentsNewestFirst,
  isUnresolved,
  latest,
  pageStatus,
  pageUpdatedAt,
  updatesNewestFirst,
  worstStatus,
  groupIds,
} from './common';
import type { PublicComponent, PublicIncident, PublicPostmortem, StatusSnapshot } from './model';
import type {
  ComponentJson,
  ComponentsJson,
  GroupComponentJson,
  IncidentJson,
  IncidentsJson,
  PageJson,
  StatusJson,
  SummaryJson,
  UnresolvedIncidentsJson,
} from './schemas';

export {
  componentsSchema,
  incidentsSchema,
  statusSchema,
  summarySchema,
  unresolvedIncidentsSchema,
} from './schemas';

const iso = (date: Date): string => date.toISOString();
const isoOrNull = (date: Date | null): string | null => (date === null ? null : iso(date));

function renderPage(s: StatusSnapshot): PageJson {
  return {
    id: s.page.id,
    name: s.page.name,
    url: s.page.url,
    time_zone: s.page.timeZone,
    updated_at: iso(pageUpdatedAt(s)),
  };
}

/** Every group named anywhere in the snapshot, so incident components get the same group ids. */
function allGroupIds(s: StatusSnapshot): Map<string, string> {
  const names = [...s.components, ...s.incidents.flatMap((i) => i.components)].flatMap((c) =>
    c.group === null ? [] : [c.group],
  );
  return groupIds(names);
}

function renderComponent(s: StatusSnapshot, ids: Map<string, string>, c: PublicComponent): ComponentJson {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    created_at: iso(c.updatedAt),
    updated_at: iso(c.updatedAt),
    position: c.position,
    description: c.description === '' ? null : c.description,
    showcase: false,
    start_date: null,
    group_id: c.group === null ? null : (ids.get(c.group) ?? null),
    page_id: s.page.id,
    group: false,
    only_show_if_degraded: false,
  };
}

function renderComponentList(s: StatusSnapshot): (ComponentJson | GroupComponentJson)[] {
  const ids = allGroupIds(s);
  return componentSections(s.components).flatMap((section) => {
    const members = section.components.map((c) => renderComponent(s, ids, c));
    const first = section.components[0];
    if (section.group === null || first === undefined) return members;
    const updatedAt = iso(latest(section.components.map((c) => c.updatedAt)));
    const group: GroupComponentJson = {
      id: ids.get(section.group) ?? '',
      name: section.group,
      status: worstStatus(section.components.map((c) => c.status)),
      created_at: updatedAt,
      updated_at: updatedAt,
      position: first.position,
      description: null,
      showcase: false,
      start_date: null,
      group_id: null,
      page_id: s.page.id,
      group: true,
      only_show_if_degraded: false,
      components: section.components.map((c) => c.id),
    };
    return [group, ...members];
  });
}

/** The published postmortem as markdown, in the seed report's section order. */
function postmortemBody(pm: PublicPostmortem): string {
  const sections: [string, string][] = [
    ['Summary', pm.summary],
    ['Root Cause', pm.rootCause],
    ['Impact', pm.impact],
    ['Duration', pm.duration],
    ['What was not impacted?', pm.notImpacted],
    ['Remediation', pm.remediation],
    ['Action Items', pm.actionItems.map((item, i) => `${i + 1}. ${item}`).join('\n')],
  ];
  return sections
    .filter(([, text]) => text.trim() !== '')
    .map(([heading, text]) => `## ${heading}\n\n${text.trim()}`)
    .join('\n\n');
}

function renderIncident(s: StatusSnapshot, ids: Map<string, string>, incident: PublicIncident): IncidentJson {
  const changes = affectedChanges(incident);
  return {
    id: incident.id,
    name: incident.name,
    status: incident.stage,
    impact: incident.impact,
    created_at: iso(incident.createdAt),
    updated_at: iso(incident.updatedAt),
    monitoring_at: isoOrNull(incident.monitoringAt),
    resolved_at: incident.stage === 'resolved' ? isoOrNull(incident.resolvedAt) : null,
    started_at: iso(incident.startedAt),
    shortlink: incidentUrl(s, incident.id),
    page_id: s.page.id,
    components: incident.components.map((c) => renderComponent(s, ids, c)),
    incident_updates: updatesNewestFirst(incident).map((u) => ({
      id: u.id,
      status: u.stage,
      body: u.body,
      incident_id: incident.id,
      created_at: iso(u.postedAt),
      updated_at: iso(u.postedAt),
      display_at: iso(u.postedAt),
      affected_components: changes.get(u.id) ?? [],
    })),
    postmortem_body: incident.postmortem ? postmortemBody(incident.postmortem) : null,
    postmortem_published_at: incident.postmortem ? iso(incident.postmortem.publishedAt) : null,
  };
}

function renderIncidentList(s: StatusSnapshot, incidents: PublicIncident[]): IncidentJson[] {
  const ids = allGroupIds(s);
  return incidents.map((i) => renderIncident(s, ids, i));
}

/** `/api/v2/summary.json`: page, status, all components, unresolved incidents. */
export function renderSummary(s: StatusSnapshot): SummaryJson {
  return {
    page: renderPage(s),
    status: pageStatus(s),
    components: renderComponentList(s),
    incidents: renderIncidentList(s, incidentsNewestFirst(s).filter(isUnresolved)),
    scheduled_maintenances: [],
  };
}

/** `/api/v2/status.json` */
export function renderStatus(s: StatusSnapshot): StatusJson {
  return { page: renderPage(s), status: pageStatus(s) };
}

/** `/api/v2/components.json` */
export function renderComponents(s: StatusSnapshot): ComponentsJson {
  return { page: renderPage(s), components: renderComponentList(s) };
}

/** `/api/v2/incidents.json`: the 50 most recent incidents, newest first. */
export function renderIncidents(s: StatusSnapshot): IncidentsJson {
  return {
    page: renderPage(s),
    incidents: renderIncidentList(s, incidentsNewestFirst(s).slice(0, MAX_LISTED_INCIDENTS)),
  };
}

/** `/api/v2/incidents/unresolved.json`: every incident not yet resolved, newest first. */
export function renderUnresolvedIncidents(s: StatusSnapshot): UnresolvedIncidentsJson {
  return {
    page: renderPage(s),
    incidents: renderIncidentList(s, incidentsNewestFirst(s).filter(isUnresolved)),
  };
}
