import { incidentFeedHtml, renderAtom, renderRss } from '../../../src/statuspage/render/feeds';
import {
  PAGE_URL,
  SEED_INCIDENT_ID,
  openIncident,
  seedIncident,
  snapshot,
  wellFormedErrors,
} from './support';

const entries = (xml: string, tag: string): string[] =>
  xml
    .split(`<${tag}>`)
    .slice(1)
    .map((part) => part.split(`</${tag}>`)[0] ?? '');

describe('incident feed HTML', () => {
  it('leads with the published postmortem’s summary, then the updates newest first, in the page zone', () => {
    const html = incidentFeedHtml(snapshot(), seedIncident());
    expect(
      html.startsWith(
        '<p><small>Feb 20, 2026 - 11:06 PST</small><br><strong>Postmortem</strong> - Customers in the Prod2, Prod3, and EU production clusters',
      ),
    ).toBe(true);
    expect(html).toContain(
      '</p><p><small>Feb 13, 2026 - 02:21 PST</small><br><strong>Resolved</strong> - This incident has been resolved.</p>',
    );
    expect(incidentFeedHtml(snapshot(), { ...seedIncident(), postmortem: null })).toMatch(
      /^<p><small>Feb 13, 2026 - 02:21 PST<\/small><br><strong>Resolved<\/strong>/,
    );
    const order = ['Postmortem', 'Resolved', 'Monitoring', 'Identified', 'Investigating'].map((label) =>
      html.indexOf(`<strong>${label}</strong>`),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(html).toContain('<small>Feb 12, 2026 - 22:51 PST</small>');
  });
});

describe('Atom feed', () => {
  const s = snapshot({ incidents: [openIncident('open-1', 'minor'), seedIncident()] });
  const xml = renderAtom(s);

  it('is well-formed Atom with one entry per incident, newest first', () => {
    expect(wellFormedErrors(xml)).toEqual([]);
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US">');
    expect(xml).toContain(`<link rel="self" type="application/atom+xml" href="${PAGE_URL}/history.atom"/>`);
    const list = entries(xml, 'entry');
    expect(list).toHaveLength(2);
    expect(list[0]).toContain(`<id>${PAGE_URL}/incidents/open-1</id>`);
    expect(list[1]).toContain(`<id>${PAGE_URL}/incidents/${SEED_INCIDENT_ID}</id>`);
    expect(list[1]).toContain('<updated>2026-02-20T19:06:00.000Z</updated>');
    expect(list[1]).toContain('<published>2026-02-13T06:51:00.000Z</published>');
    expect(list[1]).toContain('<title>SEI - Team Settings and Efficiency Insights Inaccessible</title>');
    expect(list[1]).toContain(
      '<content type="html">&lt;p&gt;&lt;small&gt;Feb 20, 2026 - 11:06 PST&lt;/small&gt;&lt;br&gt;&lt;strong&gt;Postmortem&lt;/strong&gt; - Customers',
    );
    expect(list[1]).toContain(
      '&lt;p&gt;&lt;small&gt;Feb 13, 2026 - 02:21 PST&lt;/small&gt;&lt;br&gt;&lt;strong&gt;Resolved&lt;/strong&gt; - This incident has been resolved.&lt;/p&gt;',
    );
  });

  it('is updated when its latest incident was, so an unchanged history gives the same bytes', () => {
    expect(xml).toMatch(/<\/title>\n {2}<updated>2026-03-01T12:00:00.000Z<\/updated>/);
    expect(renderAtom({ ...s, generatedAt: new Date('2030-01-01T00:00:00Z') })).toBe(xml);
    expect(renderAtom(snapshot({ incidents: [] }))).toContain('<updated>2026-02-21T00:00:00.000Z</updated>');
    expect(wellFormedErrors(renderAtom(snapshot({ incidents: [] })))).toEqual([]);
  });

  it('keeps the 50 newest incidents', () => {
    const many = Array.from({ length: 55 }, (_, i) =>
      openIncident(`i${i}`, 'none', { createdAt: new Date(Date.UTC(2026, 0, 1 + i)) }),
    );
    const list = entries(renderAtom(snapshot({ incidents: many })), 'entry');
    expect(list).toHaveLength(50);
    expect(list[0]).toContain('/incidents/i54</id>');
  });
});

describe('RSS feed', () => {
  const s = snapshot({ incidents: [openIncident('open-1', 'minor'), seedIncident()] });
  const xml = renderRss(s);

  it('is well-formed RSS 2.0 with one item per incident, newest first', () => {
    expect(wellFormedErrors(xml)).toEqual([]);
    expect(xml).toContain('<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">');
    expect(xml).toContain(
      `<atom:link href="${PAGE_URL}/history.rss" rel="self" type="application/rss+xml"/>`,
    );
    const items = entries(xml, 'item');
    expect(items).toHaveLength(2);
    expect(items[0]).toContain(`<guid isPermaLink="true">${PAGE_URL}/incidents/open-1</guid>`);
    expect(items[1]).toContain(`<link>${PAGE_URL}/incidents/${SEED_INCIDENT_ID}</link>`);
    expect(items[1]).toContain('<pubDate>Fri, 20 Feb 2026 19:06:00 GMT</pubDate>');
    expect(items[1]).toContain('&lt;strong&gt;Investigating&lt;/strong&gt; - On February 12-13, 2026');
    expect(xml).toContain('<lastBuildDate>Sun, 01 Mar 2026 12:00:00 GMT</lastBuildDate>');
  });
});
