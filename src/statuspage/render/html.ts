/**
 * The public status pages as HTML5 documents: home (`/`), one incident (`/incidents/<id>`) and the
 * history (`/history`). The incident page follows the seed report's structure: name, "Incident
 * Report for …", the postmortem, the updates newest first with "Posted …" in the page's time zone,
 * then "This incident affected: …".
 */
import { STAGE_LABELS } from '../../domain/stages';
import {
  IMPACT_LABELS,
  componentLabel,
  componentSections,
  incidentPath,
  incidentsNewestFirst,
  isUnresolved,
  joinList,
  pageStatus,
  updatesNewestFirst,
  type ComponentSection,
} from './common';
import { escapeHtml, layout, statusBadge, textToHtml, timeTag } from './html-layout';
import type {
  PublicComponent,
  PublicIncident,
  PublicPostmortem,
  PublicUpdate,
  StatusSnapshot,
} from './model';

export { escapeHtml, textToHtml } from './html-layout';

function componentItem(c: PublicComponent): string {
  const description =
    c.description.trim() === ''
      ? ''
      : `<span class="component-description">${escapeHtml(c.description)}</span>`;
  return `<li><span class="component-name">${escapeHtml(c.name)}</span> ${statusBadge(c.status)}${description}</li>`;
}

function componentsSection(sections: ComponentSection[]): string {
  if (sections.length === 0) return '';
  // Ungrouped components that sit next to each other share one list.
  const blocks: { group: string | null; components: PublicComponent[] }[] = [];
  for (const section of sections) {
    const last = blocks[blocks.length - 1];
    if (section.group === null && last !== undefined && last.group === null)
      last.components.push(...section.components);
    else blocks.push({ group: section.group, components: [...section.components] });
  }
  const html = blocks.map((block) => {
    const list = `<ul class="components">${block.components.map(componentItem).join('\n')}</ul>`;
    return block.group === null ? list : `<h3>${escapeHtml(block.group)}</h3>\n${list}`;
  });
  return [
    '<section aria-labelledby="components-heading">',
    '<h2 id="components-heading">Components</h2>',
    `<div class="card">\n${html.join('\n')}\n</div>`,
    '</section>',
  ].join('\n');
}

/** The impact in words, next to the coloured edge of the incident's card. */
function impactLine(incident: PublicIncident): string {
  return `<p class="impact-label">Impact: ${IMPACT_LABELS[incident.impact]}</p>`;
}

function posted(date: Date, s: StatusSnapshot): string {
  return `<p class="posted">Posted ${timeTag(date, s.page.timeZone)}</p>`;
}

function activeIncidentCard(s: StatusSnapshot, incident: PublicIncident): string {
  const update: PublicUpdate | undefined = updatesNewestFirst(incident)[0];
  const latestUpdate =
    update === undefined
      ? ''
      : `<p><strong>${STAGE_LABELS[update.stage]}</strong></p>\n${textToHtml(update.body)}\n${posted(update.postedAt, s)}`;
  return [
    `<article class="card impact-${incident.impact}">`,
    `<h3><a href="${escapeHtml(incidentPath(incident.id))}">${escapeHtml(incident.name)}</a></h3>`,
    impactLine(incident),
    latestUpdate,
    '</article>',
  ].join('\n');
}

/** `/`: overall status, active incidents with their latest update, components by group. */
export function renderHomePage(s: StatusSnapshot): string {
  const status = pageStatus(s);
  const active = incidentsNewestFirst(s).filter(isUnresolved);
  const activeHtml =
    active.length === 0
      ? '<p>No active incidents.</p>'
      : active.map((incident) => activeIncidentCard(s, incident)).join('\n');
  const main = [
    `<h1>${escapeHtml(s.page.name)} Status</h1>`,
    `<p class="banner indicator-${status.indicator}">${escapeHtml(status.description)}</p>`,
    '<section aria-labelledby="active-heading">',
    '<h2 id="active-heading">Active incidents</h2>',
    activeHtml,
    '</section>',
    componentsSection(componentSections(s.components)),
    '<p><a href="/history">Incident history</a></p>',
  ];
  return layout(s, `${s.page.name} Status`, main.filter(Boolean).join('\n'));
}

function postmortemSection(s: StatusSnapshot, pm: PublicPostmortem): string {
  const sections: [string, string][] = [
    ['Summary', pm.summary],
    ['Root Cause', pm.rootCause],
    ['Impact', pm.impact],
    ['Duration', pm.duration],
    ['What was not impacted?', pm.notImpacted],
    ['Remediation', pm.remediation],
  ];
  const html = sections
    .filter(([, text]) => text.trim() !== '')
    .map(([heading, text]) => `<h3>${heading}</h3>\n${textToHtml(text)}`);
  const items = pm.actionItems.filter((item) => item.trim() !== '');
  if (items.length > 0) {
    html.push(
      `<h3>Action Items</h3>\n<ol>\n${items.map((item) => `<li>${textToHtml(item)}</li>`).join('\n')}\n</ol>`,
    );
  }
  return [
    '<section class="postmortem card" aria-labelledby="postmortem-heading">',
    '<h2 id="postmortem-heading">Postmortem</h2>',
    ...html,
    posted(pm.publishedAt, s),
    '</section>',
  ].join('\n');
}

function updateArticle(s: StatusSnapshot, update: PublicUpdate): string {
  return [
    '<article class="update">',
    `<h3>${STAGE_LABELS[update.stage]}</h3>`,
    textToHtml(update.body),
    posted(update.postedAt, s),
    '</article>',
  ].join('\n');
}

/** "A (Group), B (Group), and C (Group)." in the incident's component order. */
export function affectedSentence(components: readonly PublicComponent[]): string {
  return `This incident affected: ${joinList(components.map(componentLabel))}.`;
}

/** `/incidents/<id>`; `undefined` when the snapshot has no such (public) incident. */
export function renderIncidentPage(s: StatusSnapshot, incidentId: string): string | undefined {
  const incident = s.incidents.find((i) => i.id === incidentId);
  if (incident === undefined) return undefined;
  const main = [
    `<header class="card impact-${incident.impact}">`,
    `<h1>${escapeHtml(incident.name)}</h1>`,
    `<p class="subtitle">Incident Report for ${escapeHtml(s.page.name)}</p>`,
    '</header>',
    incident.postmortem === null ? '' : postmortemSection(s, incident.postmortem),
    '<section aria-labelledby="updates-heading">',
    '<h2 id="updates-heading" class="sr-only">Updates</h2>',
    ...updatesNewestFirst(incident).map((u) => updateArticle(s, u)),
    '</section>',
    incident.components.length === 0
      ? ''
      : `<p class="affected">${escapeHtml(affectedSentence(incident.components))}</p>`,
  ];
  return layout(s, `${incident.name} - ${s.page.name} Status`, main.filter(Boolean).join('\n'));
}

/** Month key and heading ("February 2026") of a date in the page's time zone. */
function month(date: Date, timeZone: string): { key: string; label: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(date);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const label = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'long' }).format(date);
  return { key: `${part('year')}-${part('month')}`, label };
}

function historyItem(s: StatusSnapshot, incident: PublicIncident): string {
  const zone = s.page.timeZone;
  const update = updatesNewestFirst(incident)[0];
  const until =
    incident.stage === 'resolved' && incident.resolvedAt !== null
      ? ` to ${timeTag(incident.resolvedAt, zone)}`
      : '';
  return [
    `<li class="card impact-${incident.impact}">`,
    `<h3><a href="${escapeHtml(incidentPath(incident.id))}">${escapeHtml(incident.name)}</a></h3>`,
    impactLine(incident),
    update === undefined
      ? ''
      : `<p><strong>${STAGE_LABELS[update.stage]}</strong></p>\n${textToHtml(update.body)}`,
    `<p class="posted">${timeTag(incident.startedAt, zone)}${until}</p>`,
    '</li>',
  ]
    .filter(Boolean)
    .join('\n');
}

/** `/history`: every public incident, grouped by month of creation (page time zone), newest first. */
export function renderHistoryPage(s: StatusSnapshot): string {
  const months: { key: string; label: string; incidents: PublicIncident[] }[] = [];
  for (const incident of incidentsNewestFirst(s)) {
    const m = month(incident.createdAt, s.page.timeZone);
    const last = months[months.length - 1];
    if (last !== undefined && last.key === m.key) last.incidents.push(incident);
    else months.push({ ...m, incidents: [incident] });
  }
  const body =
    months.length === 0
      ? '<p>No incidents reported.</p>'
      : months
          .map((m) =>
            [
              `<section class="month" aria-labelledby="month-${m.key}">`,
              `<h2 id="month-${m.key}">${escapeHtml(m.label)}</h2>`,
              `<ul>\n${m.incidents.map((i) => historyItem(s, i)).join('\n')}\n</ul>`,
              '</section>',
            ].join('\n'),
          )
          .join('\n');
  const main = [
    '<h1>Incident History</h1>',
    `<p class="subtitle">${escapeHtml(s.page.name)}</p>`,
    body,
    '<p><a href="/">Current status</a></p>',
  ];
  return layout(s, `Incident History - ${s.page.name} Status`, main.join('\n'));
}
