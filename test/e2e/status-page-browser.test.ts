import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadComponentsFile } from '../../src/config/components-file';
import { INPUT_IDS, VIEW_IDS } from '../../src/slack/ids';
import { waitFor } from '../support/process';
import {
  checkboxValue,
  declareFormValues,
  selectValue,
  sendViewSubmission,
  textValue,
} from '../support/slack-requests';
import { startSlackWorld, type SlackWorld } from '../support/slack-e2e';

jest.setTimeout(60000);

/**
 * The seed incident (shared/seed/000_6f52e3a7a6d05877.txt) declared and updated through signed
 * Slack requests at the report's own times, then read the way a reader reads it: in headless
 * Chromium (Debian's /usr/bin/chromium, driven by playwright-core), on a desktop and on a phone.
 */
const ROOT = path.join(__dirname, '..', '..');
const SEED_FILE = path.join(ROOT, '..', 'shared', 'seed', '000_6f52e3a7a6d05877.txt');
const ARTIFACTS = path.join(ROOT, 'artifacts');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const SEED = {
  title: 'SEI - Team Settings and Efficiency Insights Inaccessible',
  investigating:
    'On February 12-13, 2026, the Software Engineering Insights (SEI) module experienced a service disruption lasting approximately 3.5 hours. During this period, users were unable to access team settings, efficiency profiles, and efficiency insights features.',
  updates: [
    {
      stage: 'identified',
      message: 'The issue has been identified and a fix is being implemented.',
      at: new Date('2026-02-13T07:15:00Z'), // Feb 12, 2026 - 23:15 PST
    },
    {
      stage: 'monitoring',
      message: 'A fix has been implemented and we are monitoring the results.',
      at: new Date('2026-02-13T10:10:00Z'), // Feb 13, 2026 - 02:10 PST
    },
    {
      stage: 'resolved',
      message: 'This incident has been resolved.',
      at: new Date('2026-02-13T10:21:00Z'), // Feb 13, 2026 - 02:21 PST
    },
  ],
  declaredAt: new Date('2026-02-13T06:51:00Z'), // Feb 12, 2026 - 22:51 PST
  affected:
    'This incident affected: Prod Eu1 (Software Engineering Insights (SEI)), Prod 2 (Software Engineering Insights (SEI)), and Prod 3 (Software Engineering Insights (SEI)).',
};

describe('the public incident page in a real browser', () => {
  let world: SlackWorld;
  let browser: Browser;
  let now = SEED.declaredAt;
  let incidentId = '';
  /** host:port of every request any page made. */
  const hosts = new Set<string>();
  /** Responses of 400 or more to the pages' own requests (the documents and anything they load). */
  const failedResponses: string[] = [];
  /** Console errors and uncaught page errors, with the URL they were reported for. */
  const consoleErrors: { page: string; text: string; source: string }[] = [];

  const watch = (page: Page) => {
    page.on('request', (request) => hosts.add(new URL(request.url()).host));
    page.on('response', (response) => {
      if (response.status() >= 400) failedResponses.push(`${response.status()} ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error')
        consoleErrors.push({ page: page.url(), text: message.text(), source: message.location().url });
    });
    page.on('pageerror', (error) =>
      consoleErrors.push({ page: page.url(), text: error.message, source: '' }),
    );
    return page;
  };

  const publishedCount = async () =>
    Number(
      (
        await world.db.query<{ n: string }>(
          'SELECT count(*) AS n FROM "IncidentUpdate" WHERE "publishedAt" IS NOT NULL',
        )
      )[0]!.n,
    );

  beforeAll(async () => {
    expect(readFileSync(SEED_FILE, 'utf8')).toContain(SEED.affected);
    const components = loadComponentsFile(path.join(ROOT, 'components.example.yml'));
    world = await startSlackWorld(
      'statuspage_browser',
      { STATUS_PAGE_TIMEZONE: 'America/Los_Angeles', STATUS_PAGE_TITLE: 'Harness' },
      { components, now: () => now },
    );

    // 22:51 PST: declared with the three SEI components; the summary is the first public update.
    const componentIds = (
      await world.db.query<{ id: string }>('SELECT id FROM "Component" ORDER BY position')
    ).map((row) => row.id);
    expect(componentIds).toHaveLength(3);
    const declared = await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.declare,
      viewId: 'V0BROWSER',
      privateMetadata: JSON.stringify({ originChannelId: null }),
      values: declareFormValues({ title: SEED.title, summary: SEED.investigating, componentIds }),
    });
    expect(declared.status).toBe(200);
    await world.submission('declare', 'V0BROWSER');
    const [incident] = await world.db.query<{ id: string }>(
      'SELECT id FROM "Incident" WHERE "idempotencyKey" = $1',
      ['view:V0BROWSER'],
    );
    incidentId = incident!.id;

    // Identified, Monitoring, Resolved through the update modal, each at the report's time.
    for (const [index, update] of SEED.updates.entries()) {
      now = update.at;
      const [row] = await world.db.query<{ version: number }>(
        'SELECT version FROM "Incident" WHERE id = $1',
        [incidentId],
      );
      const response = await sendViewSubmission(world.app.baseUrl, {
        callbackId: VIEW_IDS.update,
        viewId: `V0BROWSERUPD${index}`,
        userId: 'U0LEAD',
        privateMetadata: JSON.stringify({ incidentId, version: row!.version }),
        values: {
          [INPUT_IDS.stage.block]: { [INPUT_IDS.stage.action]: selectValue(update.stage) },
          [INPUT_IDS.publicMessage.block]: { [INPUT_IDS.publicMessage.action]: textValue(update.message) },
          [INPUT_IDS.internalNote.block]: { [INPUT_IDS.internalNote.action]: textValue(null) },
          [INPUT_IDS.notify.block]: { [INPUT_IDS.notify.action]: checkboxValue(['notify']) },
        },
      });
      expect(response.status).toBe(200);
      expect(await response.text()).not.toContain('response_action');
      expect(await world.submission('update', `V0BROWSERUPD${index}`)).toMatchObject({ status: 'DONE' });
    }

    await waitFor(
      async () => ((await publishedCount()) === 4 ? true : undefined),
      15000,
      'four published updates',
    );
    // The page re-checks what changed at most once a second: wait until it shows the resolution.
    await waitFor(
      async () => {
        const html = await (await fetch(`${world.app.baseUrl}/incidents/${incidentId}`)).text();
        return html.includes(SEED.updates[2]!.message) ? true : undefined;
      },
      10000,
      'the incident page to show the resolution',
    );

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('shows the incident as the seed report shows it: title, updates newest first, times, components', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = watch(await context.newPage());
      const response = await page.goto(`${world.app.baseUrl}/incidents/${incidentId}`, {
        waitUntil: 'load',
      });
      expect(response?.status()).toBe(200);

      await expect(page.locator('h1').allInnerTexts()).resolves.toEqual([SEED.title]);
      expect(await page.title()).toBe(`${SEED.title} - Harness Status`);
      expect(await page.locator('article.update h3').allInnerTexts()).toEqual([
        'Resolved',
        'Monitoring',
        'Identified',
        'Investigating',
      ]);
      expect(await page.locator('article.update .posted').allInnerTexts()).toEqual([
        'Posted Feb 13, 2026 - 02:21 PST',
        'Posted Feb 13, 2026 - 02:10 PST',
        'Posted Feb 12, 2026 - 23:15 PST',
        'Posted Feb 12, 2026 - 22:51 PST',
      ]);

      // What the reader sees, top to bottom, in the seed report's order.
      const text = await page.innerText('body');
      const expectedInOrder = [
        SEED.title,
        'Incident Report for Harness',
        'Resolved',
        'This incident has been resolved.',
        'Posted Feb 13, 2026 - 02:21 PST',
        'Monitoring',
        'A fix has been implemented and we are monitoring the results.',
        'Posted Feb 13, 2026 - 02:10 PST',
        'Identified',
        'The issue has been identified and a fix is being implemented.',
        'Posted Feb 12, 2026 - 23:15 PST',
        'Investigating',
        SEED.investigating,
        'Posted Feb 12, 2026 - 22:51 PST',
        SEED.affected,
      ];
      let from = 0;
      for (const expected of expectedInOrder) {
        const at = text.indexOf(expected, from);
        if (at < 0) throw new Error(`"${expected}" not found after offset ${from} in:\n${text}`);
        from = at + expected.length;
      }
      await expect(page.locator('p.affected').innerText()).resolves.toBe(SEED.affected);

      await page.screenshot({ path: path.join(ARTIFACTS, 'status-page-incident.png'), fullPage: true });

      const home = await page.goto(`${world.app.baseUrl}/`, { waitUntil: 'load' });
      expect(home?.status()).toBe(200);
      expect(await page.locator('h1').innerText()).toBe('Harness Status');
      const homeText = await page.innerText('body');
      expect(homeText).toContain('No active incidents.');
      expect(homeText).toContain('Software Engineering Insights (SEI)');
      await page.screenshot({ path: path.join(ARTIFACTS, 'status-page-home.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('fits a phone screen without horizontal scrolling', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    try {
      const page = watch(await context.newPage());
      for (const [route, file] of [
        [`/incidents/${incidentId}`, 'status-page-incident-phone.png'],
        ['/', 'status-page-home-phone.png'],
        ['/history', 'status-page-history-phone.png'],
      ] as const) {
        const response = await page.goto(`${world.app.baseUrl}${route}`, { waitUntil: 'load' });
        expect(response?.status()).toBe(200);
        // A string, not a function: this project compiles without the DOM library's types.
        const widths = (await page.evaluate(
          '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
        )) as { scrollWidth: number; innerWidth: number };
        expect({ route, ...widths, fits: widths.scrollWidth <= widths.innerWidth }).toEqual({
          route,
          scrollWidth: widths.scrollWidth,
          innerWidth: 390,
          fits: true,
        });
        await page.screenshot({ path: path.join(ARTIFACTS, file), fullPage: true });
      }
    } finally {
      await context.close();
    }
  });

  it('made no request beyond 127.0.0.1 and logged no console errors', () => {
    const appHost = new URL(world.app.baseUrl).host;
    expect(hosts.size).toBeGreaterThan(0);
    expect([...hosts]).toEqual([appHost]);
    expect(failedResponses).toEqual([]);
    // Chromium asks for /favicon.ico on its own (not a request of the page, so not in `hosts`),
    // and the app answers 404, which Chromium logs as a console error. That one is tolerated,
    // by exact URL; any other console or page error fails the test.
    const favicon = `${world.app.baseUrl}/favicon.ico`;
    const isFaviconMiss = (e: { text: string; source: string }) =>
      e.source === favicon && e.text.includes('status of 404');
    expect(consoleErrors.filter((e) => !isFaviconMiss(e))).toEqual([]);
  });
});
