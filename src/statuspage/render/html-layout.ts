/**
 * HTML building blocks for the public status pages: escaping, text → paragraphs, the page shell
 * with its inline stylesheet. No scripts, no external assets; every snapshot string goes through
 * `escapeHtml` (directly or via `textToHtml`) before it reaches markup.
 */
import { formatPosted } from '../../domain/time-format';
import { COMPONENT_STATUS_LABELS } from './common';
import type { ComponentStatusName, StatusSnapshot } from './model';

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * Escapes `& < > " '` so the result is safe in text and in quoted attribute values. C0 control
 * characters other than tab, line feed and carriage return (and DEL) are dropped: browsers treat
 * them as parse errors and they have no meaning on a status page.
 */
export function escapeHtml(text: string): string {
  return text.replace(CONTROL, '').replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const BULLET = /^\s*(?:[-*•])\s+(.*)$/;

/**
 * Plain text → HTML: blank lines separate paragraphs, single line breaks become `<br>`, and runs of
 * lines starting with `-`, `*` or `•` become a bulleted list. Everything is escaped.
 */
export function textToHtml(text: string): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  let list: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) out.push(`<p>${paragraph.join('<br>\n')}</p>`);
    if (list.length > 0) out.push(`<ul>${list.map((item) => `<li>${item}</li>`).join('')}</ul>`);
    paragraph = [];
    list = [];
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const bullet = BULLET.exec(line);
    if (line.trim() === '') flush();
    else if (bullet) {
      if (paragraph.length > 0) flush();
      list.push(escapeHtml(bullet[1] ?? ''));
    } else {
      if (list.length > 0) flush();
      paragraph.push(escapeHtml(line.trim()));
    }
  }
  flush();
  return out.join('\n');
}

/** `<time datetime="…">Feb 13, 2026 - 02:21 PST</time>` in the page's time zone. */
export function timeTag(date: Date, timeZone: string): string {
  return `<time datetime="${date.toISOString()}">${escapeHtml(formatPosted(date, timeZone))}</time>`;
}

/** A status shown in colour and in words, so it never depends on colour alone. */
export function statusBadge(status: ComponentStatusName): string {
  return (
    `<span class="status status-${status}"><span class="dot" aria-hidden="true"></span>` +
    `${COMPONENT_STATUS_LABELS[status]}</span>`
  );
}

// Text colours meet WCAG AA (4.5:1) on white; banner colours meet it with white text.
const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933;background:#f5f7fa}
a{color:#1d4ed8}
a:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.wrap{max-width:46rem;margin:0 auto;padding:1rem}
header.site{background:#fff;border-bottom:1px solid #d9e2ec}
header.site a{color:#1f2933;text-decoration:none;font-weight:600;font-size:1.25rem}
main{display:block}
h1{font-size:1.75rem;line-height:1.25;margin:1.5rem 0 .5rem;overflow-wrap:anywhere}
h2{font-size:1.25rem;margin:2rem 0 .75rem}
h3{font-size:1.05rem;margin:1.25rem 0 .25rem}
p,li{overflow-wrap:anywhere}
.subtitle{color:#52606d;margin-top:0}
.card{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:1rem;margin:1rem 0}
.banner{color:#fff;border-radius:8px;padding:1rem 1.25rem;font-size:1.2rem;font-weight:600;margin:1.5rem 0}
.indicator-none{background:#1e7b34}
.indicator-minor{background:#8a5a00}
.indicator-major{background:#b34700}
.indicator-critical{background:#b91c1c}
.components{list-style:none;margin:0;padding:0}
.components li{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem 1rem;padding:.6rem 0;border-top:1px solid #e4e7eb}
.components li:first-child{border-top:0}
.component-name{font-weight:500}
.component-description{flex-basis:100%;color:#52606d;font-size:.9rem}
.status{font-weight:600;white-space:nowrap}
.dot{display:inline-block;width:.7em;height:.7em;border-radius:50%;margin-right:.4em;background:currentColor}
.status-operational{color:#1e7b34}
.status-degraded_performance{color:#8a5a00}
.status-partial_outage{color:#b34700}
.status-major_outage{color:#b91c1c}
.status-under_maintenance{color:#1d4ed8}
.impact-none{border-left:6px solid #7b8794}
.impact-minor{border-left:6px solid #8a5a00}
.impact-major{border-left:6px solid #b34700}
.impact-critical{border-left:6px solid #b91c1c}
.update{border-top:1px solid #e4e7eb;padding:.75rem 0}
.update:first-of-type{border-top:0}
.update h3,.update h4{margin:0 0 .25rem}
.posted,.impact-label{color:#52606d;font-size:.9rem;margin:.25rem 0 0}
.postmortem h3{margin-top:1.5rem}
.affected{color:#52606d;font-size:.95rem}
.month ul{list-style:none;padding:0}
.month li{margin:.75rem 0}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
footer.site{color:#52606d;font-size:.9rem;padding:2rem 0}
footer.site a{margin-right:1rem}
@media (max-width:30rem){body{font-size:15px}h1{font-size:1.4rem}.wrap{padding:.75rem}}
`;

/** The page shell: head, inline CSS, a header linking home, the main content and a footer. */
export function layout(s: StatusSnapshot, title: string, main: string): string {
  const name = escapeHtml(s.page.name);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    // No favicon to fetch: the page must not make requests it cannot answer.
    '<link rel="icon" href="data:,">',
    `<link rel="alternate" type="application/atom+xml" title="${name} incident history (Atom)" href="/history.atom">`,
    `<link rel="alternate" type="application/rss+xml" title="${name} incident history (RSS)" href="/history.rss">`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header class="site"><div class="wrap"><a href="/">${name}</a></div></header>`,
    `<main class="wrap">\n${main}\n</main>`,
    '<footer class="site"><div class="wrap">',
    '<nav aria-label="Status page"><a href="/">Current status</a><a href="/history">Incident history</a>' +
      '<a href="/history.atom">Atom feed</a><a href="/history.rss">RSS feed</a></nav>',
    `<p>Last updated ${timeTag(s.generatedAt, s.page.timeZone)}</p>`,
    '</div></footer>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
