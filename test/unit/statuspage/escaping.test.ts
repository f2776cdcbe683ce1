import fc from 'fast-check';
import { renderAtom, renderRss, escapeXml } from '../../../src/statuspage/render/feeds';
import {
  escapeHtml,
  renderHistoryPage,
  renderHomePage,
  renderIncidentPage,
} from '../../../src/statuspage/render/html';
import type { StatusSnapshot } from '../../../src/statuspage/render/model';
import { component, openIncident, snapshot, update, visibleText, wellFormedErrors } from './support';

const EVIL = '<script>alert(1)</script> & "quotes" \'apostrophes\'';

/** Every snapshot string that reaches a page or a feed carries the payload. */
function evilSnapshot(): StatusSnapshot {
  const c = component({ id: 'c1', name: `API ${EVIL}`, group: `Group ${EVIL}`, description: `Desc ${EVIL}` });
  const incident = openIncident('evil-1', 'major', {
    name: `Name ${EVIL}`,
    components: [c],
    updates: [update('u1', 'investigating', '2026-03-01T12:00:00Z', `Body ${EVIL}\nline two & more`)],
    postmortem: {
      publishedAt: new Date('2026-03-02T12:00:00Z'),
      summary: `Summary ${EVIL}`,
      rootCause: `Root ${EVIL}`,
      impact: `- bullet ${EVIL}`,
      duration: `Duration ${EVIL}`,
      notImpacted: `Not ${EVIL}`,
      remediation: `Fix ${EVIL}`,
      actionItems: [`Item ${EVIL}`],
    },
  });
  const base = snapshot();
  return { ...base, page: { ...base.page, name: `Page ${EVIL}` }, components: [c], incidents: [incident] };
}

describe('escaping', () => {
  it('escapeHtml escapes the five HTML specials and drops control characters', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>\u0000\u0007`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;',
    );
    expect(escapeHtml('tab\tand\nnewline')).toBe('tab\tand\nnewline');
  });

  it('escapeXml escapes the five XML specials and drops what XML cannot carry', () => {
    expect(escapeXml(`<a b="c">'&'</a>\u0001\uFFFE\uD800`)).toBe(
      '&lt;a b=&quot;c&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;',
    );
    expect(escapeXml('emoji 🚀 stays')).toBe('emoji 🚀 stays');
  });

  const s = evilSnapshot();
  const pages: [string, string][] = [
    ['home', renderHomePage(s)],
    ['incident', renderIncidentPage(s, 'evil-1') ?? ''],
    ['history', renderHistoryPage(s)],
  ];

  it.each(pages)('the %s page escapes every snapshot string', (_name, html) => {
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;apostrophes&#39;',
    );
    expect(wellFormedErrors(html, 'html')).toEqual([]);
    // What a reader sees is the original text.
    expect(visibleText(html)).toContain(EVIL);
  });

  it('the incident page shows every field escaped', () => {
    const text = visibleText(pages[1]?.[1] ?? '');
    for (const field of [
      'Name',
      'Body',
      'Summary',
      'Root',
      'bullet',
      'Duration',
      'Not',
      'Fix',
      'Item',
      'Page',
    ]) {
      expect(text).toContain(`${field} ${EVIL}`);
    }
    expect(text).toContain(`This incident affected: API ${EVIL} (Group ${EVIL}).`);
    expect(text).toContain('line two & more');
  });

  it.each([
    ['Atom', renderAtom(s)],
    ['RSS', renderRss(s)],
  ])('the %s feed is well-formed XML with the HTML escaped twice', (_name, xml) => {
    expect(wellFormedErrors(xml)).toEqual([]);
    expect(xml).not.toMatch(/<script/i);
    // Title: escaped once. Content: HTML-escaped, then XML-escaped.
    expect(xml).toContain(
      'Name &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &apos;apostrophes&apos;',
    );
    expect(xml).toContain('Body &amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; &amp;amp;');
    expect(xml).toContain('&lt;br&gt;line two &amp;amp; more');
  });
});

describe('escaping, for arbitrary text (property)', () => {
  // Sentinels around the input so that a fragment like "<p" cannot match our own markup.
  const unit = fc.oneof(
    fc.constantFrom('<', '>', '&', '"', "'", '\n', '<script>', '</p>', '&amp;', ']]>', '<!--'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  );
  const withAngle = fc
    .tuple(fc.string({ unit, maxLength: 12 }), fc.string({ unit, maxLength: 12 }))
    .map(([a, b]) => `ZQX${a}<${b}XQZ`);

  function withText(name: string, body: string): StatusSnapshot {
    const incident = openIncident('p1', 'minor', {
      name,
      components: [component({ id: 'c', name: body, group: name })],
      updates: [update('u', 'identified', '2026-03-01T12:00:00Z', body)],
    });
    const base = snapshot();
    return { ...base, page: { ...base.page, name }, components: incident.components, incidents: [incident] };
  }

  it('the HTML never contains the raw input and stays well-formed', () => {
    fc.assert(
      fc.property(withAngle, withAngle, (name, body) => {
        const s = withText(name, body);
        for (const html of [renderHomePage(s), renderIncidentPage(s, 'p1') ?? '', renderHistoryPage(s)]) {
          expect(html.includes(name)).toBe(false);
          expect(html.includes(body)).toBe(false);
          expect(html).not.toMatch(/<script/i);
          expect(html).toContain(escapeHtml(name));
          expect(wellFormedErrors(html, 'html')).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the feeds never contain the raw input and stay well-formed', () => {
    fc.assert(
      fc.property(withAngle, withAngle, (name, body) => {
        const s = withText(name, body);
        for (const xml of [renderAtom(s), renderRss(s)]) {
          expect(xml.includes(name)).toBe(false);
          expect(xml.includes(body)).toBe(false);
          expect(xml).not.toMatch(/<script/i);
          expect(wellFormedErrors(xml)).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
