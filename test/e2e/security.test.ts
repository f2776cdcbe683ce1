import { INPUT_IDS, VIEW_IDS } from '../../src/slack/ids';
import { waitFor } from '../support/process';
import {
  declareFormValues,
  selectValue,
  sendSlashCommand,
  sendViewSubmission,
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
  textValue,
} from '../support/slack-requests';
import { startSlackWorld, type SlackWorld } from '../support/slack-e2e';

jest.setTimeout(90000);

const STATUSPAGE_KEY = 'statuspage-key-SECRET-5b1e0c';
const PRIVATE_TITLE = 'Payroll PRIVMARK-7731 outage';
const PRIVATE_SUMMARY = 'PRIVSUMMARY-7731 salaries are late';
const PRIVATE_UPDATE = 'PRIVUPDATE-7731 rolled back';
const INTERNAL_NOTE = 'INTERNALNOTE-7731 the root password was in the log';
const SCRIPT = '<script>alert("pwned")</script>';
const SECRETS = [TEST_BOT_TOKEN, TEST_SIGNING_SECRET, STATUSPAGE_KEY];
const PRIVATE_MARKERS = ['PRIVMARK-7731', 'PRIVSUMMARY-7731', 'PRIVUPDATE-7731', 'INTERNALNOTE-7731'];

/**
 * A private incident, an internal note and secrets in the configuration, then every public route
 * and every log line is searched for them; user text with markup must come out escaped. (That
 * the image runs as a non-root user is checked by test/unit/dockerfile.test.ts.)
 */
describe('what the public and the logs can see (real app, fake Slack)', () => {
  let world: SlackWorld;
  let publicId: string;
  let privateId: string;

  beforeAll(async () => {
    world = await startSlackWorld('security', {
      STATUSPAGE_API_KEY: STATUSPAGE_KEY,
      STATUSPAGE_PAGE_ID: 'pagesecurity',
      // Nothing listens here: every Statuspage call fails, and its errors are logged.
      STATUSPAGE_API_URL: 'http://127.0.0.1:9/v1',
    });
    const base = world.app.baseUrl;
    await sendViewSubmission(base, {
      callbackId: VIEW_IDS.declare,
      viewId: 'V0SECPUB',
      values: declareFormValues({
        title: `Checkout ${SCRIPT} & "quotes"`,
        summary: `<img src=x onerror=alert(1)>`,
      }),
    });
    await sendViewSubmission(base, {
      callbackId: VIEW_IDS.declare,
      viewId: 'V0SECPRIV',
      values: declareFormValues({ title: PRIVATE_TITLE, summary: PRIVATE_SUMMARY, isPrivate: true }),
    });
    const rows = await waitFor(
      async () => {
        const found = await world.db.query<{ id: string; isPrivate: boolean; slackChannelId: string | null }>(
          'SELECT id, "isPrivate", "slackChannelId" FROM "Incident"',
        );
        return found.length === 2 && found.every((r) => r.slackChannelId) ? found : undefined;
      },
      20000,
      'both incidents and their channels',
    );
    publicId = rows.find((r) => !r.isPrivate)!.id;
    const privateRow = rows.find((r) => r.isPrivate)!;
    privateId = privateRow.id;

    await sendViewSubmission(base, {
      callbackId: VIEW_IDS.update,
      viewId: 'V0SECNOTE',
      privateMetadata: JSON.stringify({ incidentId: publicId, version: 1 }),
      values: {
        [INPUT_IDS.stage.block]: { [INPUT_IDS.stage.action]: selectValue('identified') },
        [INPUT_IDS.publicMessage.block]: {
          [INPUT_IDS.publicMessage.action]: textValue(`Found it ${SCRIPT}`),
        },
        [INPUT_IDS.internalNote.block]: { [INPUT_IDS.internalNote.action]: textValue(INTERNAL_NOTE) },
      },
    });
    const answer = await sendSlashCommand(base, `status identified ${PRIVATE_UPDATE}`, {
      channel_id: privateRow.slackChannelId!,
    });
    expect(answer.status).toBe(200);
    await waitFor(
      async () => {
        const [row] = await world.db.query<{ open: string; updates: string }>(
          `SELECT (SELECT count(*) FROM "OutboxMessage"
                    WHERE topic <> 'statuspage.atlassian' AND status IN ('PENDING', 'ENQUEUED')) AS open,
                  (SELECT count(*) FROM "IncidentUpdate") AS updates`,
        );
        return Number(row!.open) === 0 && Number(row!.updates) === 4 ? true : undefined;
      },
      20000,
      'every update stored and carried out',
    );
    // The pages re-render within a second of a change.
    await new Promise((resolve) => setTimeout(resolve, 1200));
  });
  afterAll(async () => world?.close());

  const get = async (path: string) => {
    const response = await fetch(`${world.app.baseUrl}${path}`);
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: await response.text(),
    };
  };

  const PUBLIC_ROUTES = [
    '/',
    '/history',
    '/history.atom',
    '/history.rss',
    '/api/v2/summary.json',
    '/api/v2/status.json',
    '/api/v2/components.json',
    '/api/v2/incidents.json',
    '/api/v2/incidents/unresolved.json',
    '/healthz',
    '/readyz',
    '/metrics',
    '/no/such/page',
    '/api/v2/nothing.json',
  ];

  it('no public route shows the private incident, the internal note or a secret', async () => {
    const pages = await Promise.all(
      [...PUBLIC_ROUTES, `/incidents/${publicId}`, `/incidents/${privateId}`].map(async (path) => ({
        path,
        ...(await get(path)),
      })),
    );
    // The test can fail: the public incident and its public update are there.
    expect(pages.find((p) => p.path === `/incidents/${publicId}`)!.body).toContain('Found it');
    expect(pages.find((p) => p.path === `/incidents/${privateId}`)!.status).toBe(404);
    for (const page of pages) {
      for (const secret of [...SECRETS, ...PRIVATE_MARKERS])
        expect({ path: page.path, leaked: page.body.includes(secret) ? secret : undefined }).toEqual({
          path: page.path,
          leaked: undefined,
        });
    }
  });

  it('escapes user text everywhere it is public', async () => {
    for (const path of ['/', '/history', `/incidents/${publicId}`, '/history.atom', '/history.rss']) {
      const page = await get(path);
      expect(page.body).toContain('Checkout');
      expect({ path, raw: page.body.includes('<script>alert') || page.body.includes('<img src=x') }).toEqual({
        path,
        raw: false,
      });
    }
    const html = await get(`/incidents/${publicId}`);
    expect(html.type).toMatch(/^text\/html/);
    expect(html.body).toContain('&lt;script&gt;');
    for (const path of ['/api/v2/incidents.json', '/api/v2/summary.json']) {
      const json = await get(path);
      expect(json.type).toMatch(/^application\/json/);
      // Served as JSON, not HTML: the text is data, and it is exactly what the responder wrote.
      expect(JSON.stringify(JSON.parse(json.body))).toContain(
        JSON.stringify(`Found it ${SCRIPT}`).slice(1, -1),
      );
    }
  });

  it('the logs carry no secret, no private incident text and no internal note', async () => {
    // Wait until a Statuspage call (carrying the key) has failed and been logged, so the
    // scrubber had something to do.
    await waitFor(
      async () => (world.app.logs.text().includes('outbox_job_failed') ? true : undefined),
      30000,
      'a failed Statuspage job in the log',
    );
    const logs = world.app.logs.text();
    for (const secret of [...SECRETS, ...PRIVATE_MARKERS]) {
      expect({ secret, inLogs: logs.includes(secret) }).toEqual({ secret, inLogs: false });
    }
  });

  it('there is no admin or queue dashboard route to protect: such paths are 404', async () => {
    for (const path of ['/admin', '/admin/queues', '/queues', '/bull', '/arena', '/dashboard', '/debug']) {
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 404 });
    }
  });
});
