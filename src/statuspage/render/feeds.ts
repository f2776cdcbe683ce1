/**
 * Incident history feeds, `/history.atom` (Atom 1.0) and `/history.rss` (RSS 2.0): one entry per
 * incident, newest first, at most 50. An entry's content is HTML listing the incident's updates,
 * newest first, each as "<small>Posted time</small><br><strong>Stage</strong> - body"; that HTML is
 * then XML-escaped as a whole (Atom `type="html"`, RSS `description`), so snapshot text is escaped
 * twice and can never become markup in either the feed or the reader.
 *
 * An entry's id/guid is the incident URL and its updated/pubDate the incident's `updatedAt`; the
 * feed's own updated time is the latest of those (the generation time only when there are none), so
 * an unchanged history gives a byte-identical feed.
 */
import { STAGE_LABELS } from '../../domain/stages';
import { formatPosted } from '../../domain/time-format';
import {
  MAX_LISTED_INCIDENTS,
  incidentUrl,
  incidentsNewestFirst,
  latest,
  updatesNewestFirst,
} from './common';
import { escapeHtml } from './html-layout';
import type { PublicIncident, StatusSnapshot } from './model';

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Escapes `& < > " '` and drops what XML 1.0 cannot carry at all (most C0 controls, lone
 * surrogates, U+FFFE/U+FFFF), so any snapshot string yields well-formed XML.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

const paragraph = (when: Date, label: string, text: string, timeZone: string): string => {
  const body = escapeHtml(text.replace(/\r\n?/g, '\n')).replace(/\n/g, '<br>');
  return `<p><small>${escapeHtml(formatPosted(when, timeZone))}</small><br><strong>${label}</strong> - ${body}</p>`;
};

/**
 * The HTML shown by a feed reader for one incident: its published postmortem's summary (the full
 * report is on the incident's page), then its updates, newest first.
 */
export function incidentFeedHtml(s: StatusSnapshot, incident: PublicIncident): string {
  const pm = incident.postmortem;
  const postmortem = pm
    ? paragraph(pm.publishedAt, 'Postmortem', pm.summary || 'A postmortem was published.', s.page.timeZone)
    : '';
  return (
    postmortem +
    updatesNewestFirst(incident)
      .map((u) => paragraph(u.postedAt, STAGE_LABELS[u.stage], u.body, s.page.timeZone))
      .join('')
  );
}

function feedIncidents(s: StatusSnapshot): PublicIncident[] {
  return incidentsNewestFirst(s).slice(0, MAX_LISTED_INCIDENTS);
}

function feedUpdatedAt(s: StatusSnapshot, incidents: PublicIncident[]): Date {
  return incidents.length === 0 ? s.generatedAt : latest(incidents.map((i) => i.updatedAt));
}

function feedTitle(s: StatusSnapshot): string {
  return `${s.page.name} Status - Incident History`;
}

/** `/history.atom` */
export function renderAtom(s: StatusSnapshot): string {
  const incidents = feedIncidents(s);
  const url = escapeXml(s.page.url);
  const entries = incidents.map((incident) => {
    const link = escapeXml(incidentUrl(s, incident.id));
    return [
      '  <entry>',
      `    <id>${link}</id>`,
      `    <published>${incident.createdAt.toISOString()}</published>`,
      `    <updated>${incident.updatedAt.toISOString()}</updated>`,
      `    <link rel="alternate" type="text/html" href="${link}"/>`,
      `    <title>${escapeXml(incident.name)}</title>`,
      `    <content type="html">${escapeXml(incidentFeedHtml(s, incident))}</content>`,
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US">',
    `  <id>${url}/history</id>`,
    `  <link rel="alternate" type="text/html" href="${url}"/>`,
    `  <link rel="self" type="application/atom+xml" href="${url}/history.atom"/>`,
    `  <title>${escapeXml(feedTitle(s))}</title>`,
    `  <updated>${feedUpdatedAt(s, incidents).toISOString()}</updated>`,
    `  <author><name>${escapeXml(s.page.name)}</name></author>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

/** `/history.rss` */
export function renderRss(s: StatusSnapshot): string {
  const incidents = feedIncidents(s);
  const url = escapeXml(s.page.url);
  const items = incidents.map((incident) => {
    const link = escapeXml(incidentUrl(s, incident.id));
    return [
      '    <item>',
      `      <title>${escapeXml(incident.name)}</title>`,
      `      <description>${escapeXml(incidentFeedHtml(s, incident))}</description>`,
      `      <pubDate>${incident.updatedAt.toUTCString()}</pubDate>`,
      `      <link>${link}</link>`,
      `      <guid isPermaLink="true">${link}</guid>`,
      '    </item>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '  <channel>',
    `    <title>${escapeXml(feedTitle(s))}</title>`,
    `    <link>${url}</link>`,
    `    <description>${escapeXml(`Incident history for ${s.page.name}`)}</description>`,
    '    <language>en-us</language>',
    `    <lastBuildDate>${feedUpdatedAt(s, incidents).toUTCString()}</lastBuildDate>`,
    `    <atom:link href="${url}/history.rss" rel="self" type="application/rss+xml"/>`,
    ...items,
    '  </channel>',
    '</rss>',
    '',
  ].join('\n');
}
