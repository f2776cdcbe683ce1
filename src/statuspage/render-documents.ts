import type { DocumentSet } from './page-cache';
import { renderAtom, renderRss } from './render/feeds';
import { renderHistoryPage, renderHomePage, renderIncidentPage } from './render/html';
import {
  renderComponents,
  renderIncidents,
  renderStatus,
  renderSummary,
  renderUnresolvedIncidents,
} from './render/json';
import type { StatusSnapshot } from './render/model';

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/** Every public document, rendered once per change of the snapshot, keyed by request path. */
export function renderDocuments(snapshot: StatusSnapshot): DocumentSet {
  const documents: DocumentSet = new Map([
    ['/', { body: renderHomePage(snapshot), contentType: HTML }],
    ['/history', { body: renderHistoryPage(snapshot), contentType: HTML }],
    ['/history.atom', { body: renderAtom(snapshot), contentType: 'application/atom+xml; charset=utf-8' }],
    ['/history.rss', { body: renderRss(snapshot), contentType: 'application/rss+xml; charset=utf-8' }],
    ['/api/v2/summary.json', { body: JSON.stringify(renderSummary(snapshot)), contentType: JSON_TYPE }],
    ['/api/v2/status.json', { body: JSON.stringify(renderStatus(snapshot)), contentType: JSON_TYPE }],
    ['/api/v2/components.json', { body: JSON.stringify(renderComponents(snapshot)), contentType: JSON_TYPE }],
    ['/api/v2/incidents.json', { body: JSON.stringify(renderIncidents(snapshot)), contentType: JSON_TYPE }],
    [
      '/api/v2/incidents/unresolved.json',
      { body: JSON.stringify(renderUnresolvedIncidents(snapshot)), contentType: JSON_TYPE },
    ],
  ]);
  for (const incident of snapshot.incidents) {
    const page = renderIncidentPage(snapshot, incident.id);
    if (page) documents.set(`/incidents/${incident.id}`, { body: page, contentType: HTML });
  }
  return documents;
}
