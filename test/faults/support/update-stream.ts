/**
 * A stream of incident updates sent the way Slack sends them (signed modal submissions to the
 * web processes), and the one check every fault scenario ends with: each update stored once,
 * posted to its incident channel and announcement thread once, published once, in order.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../src/db/migrations-directory';
import { INPUT_IDS, VIEW_IDS } from '../../../src/slack/ids';
import { waitFor } from '../../support/process';
import { declareFormValues, selectValue, sendViewSubmission, textValue } from '../../support/slack-requests';
import { ANNOUNCEMENTS_CHANNEL, type FaultWorld } from './fault-world';

/** Updates per incident; FAULT_UPDATES makes the stream longer for a heavier run. */
export const UPDATES_PER_INCIDENT = Number(process.env.FAULT_UPDATES ?? 12);
export const INCIDENTS = Number(process.env.FAULT_INCIDENTS ?? 3);

export interface StreamIncident {
  index: number;
  title: string;
  id: string;
  /** Public messages in the order they were submitted; [0] is the declaration's summary. */
  messages: string[];
}

export interface UpdateStream {
  incidents: StreamIncident[];
  /** Submissions that were answered with something other than a plain ack and sent again. */
  resubmissions: number;
  /** What those answers were: `<status> <body>`, or the network error. */
  answers: string[];
  /** Updates stored so far (declarations included). */
  stored(): number;
  total: number;
  /** Resolves once `count` updates are stored. */
  reached(count: number): Promise<void>;
  done: Promise<void>;
}

const marker = (incident: number, update: number) => `drill-${incident}-${String(update).padStart(3, '0')}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one modal submission until Slack would show the user success (an empty 200), as a
 * responder whose submit failed would press it again: same view id, so the server treats the
 * repeat as the same submission.
 */
async function submitUntilAcked(
  world: FaultWorld,
  send: (baseUrl: string) => Promise<Response>,
  onRetry: (answer: string) => void,
  turn: number,
): Promise<void> {
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const urls = world.webUrls();
    const baseUrl = urls[(turn + attempt) % urls.length]!;
    let answer: string;
    try {
      const response = await send(baseUrl);
      const body = await response.text();
      if (response.status === 200 && body === '') return;
      answer = `${response.status} ${body.slice(0, 300)}`;
    } catch (error) {
      // The web process was unreachable: Slack would report a failure to the user.
      answer = `unreachable: ${(error as Error).message}`;
    }
    onRetry(answer);
    await sleep(500);
  }
  throw new Error('a submission was never acknowledged');
}

export function startUpdateStream(world: FaultWorld, label: string): UpdateStream {
  let storedCount = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const bump = () => {
    storedCount += 1;
    for (const waiter of waiters.filter((w) => storedCount >= w.count)) {
      waiter.resolve();
      waiters.splice(waiters.indexOf(waiter), 1);
    }
  };
  const incidents: StreamIncident[] = [];
  const stream: UpdateStream = {
    incidents,
    resubmissions: 0,
    answers: [],
    stored: () => storedCount,
    total: INCIDENTS * (UPDATES_PER_INCIDENT + 1),
    reached: (count) =>
      storedCount >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    done: Promise.resolve(),
  };
  const retried = (answer: string) => {
    stream.resubmissions += 1;
    stream.answers.push(answer);
  };
  const storedWithKey = (key: string, timeoutMs = 120000) =>
    waitFor(
      async () => {
        const [row] = await world.db.query<{ incidentId: string }>(
          'SELECT "incidentId" FROM "IncidentUpdate" WHERE "idempotencyKey" = $1',
          [key],
        );
        return row?.incidentId;
      },
      timeoutMs,
      `update ${key} stored`,
    );

  async function runIncident(index: number): Promise<void> {
    const title = `Fault drill ${label} ${index}`;
    const summary = marker(index, 0);
    const declareViewId = `VDRILL${index}`;
    await submitUntilAcked(
      world,
      (baseUrl) =>
        sendViewSubmission(baseUrl, {
          callbackId: VIEW_IDS.declare,
          viewId: declareViewId,
          privateMetadata: JSON.stringify({ originChannelId: 'C0GENERAL' }),
          values: declareFormValues({ title, summary, severity: 'SEV2' }),
        }),
      retried,
      index,
    );
    const [row] = await waitFor(
      async () => {
        const rows = await world.db.query<{ id: string }>('SELECT id FROM "Incident" WHERE title = $1', [
          title,
        ]);
        return rows.length > 0 ? rows : undefined;
      },
      120000,
      `${title} declared`,
    );
    const incident: StreamIncident = { index, title, id: row!.id, messages: [summary] };
    incidents.push(incident);
    bump();
    for (let update = 1; update <= UPDATES_PER_INCIDENT; update += 1) {
      const message = `${marker(index, update)} the drill goes on`;
      const viewId = `VU${index}X${update}`;
      await submitUntilAcked(
        world,
        (baseUrl) =>
          sendViewSubmission(baseUrl, {
            callbackId: VIEW_IDS.update,
            viewId,
            privateMetadata: JSON.stringify({ incidentId: incident.id, version: 1 }),
            values: {
              [INPUT_IDS.stage.block]: {
                [INPUT_IDS.stage.action]: selectValue(
                  update <= UPDATES_PER_INCIDENT / 2 ? 'investigating' : 'identified',
                ),
              },
              [INPUT_IDS.publicMessage.block]: { [INPUT_IDS.publicMessage.action]: textValue(message) },
              [INPUT_IDS.internalNote.block]: { [INPUT_IDS.internalNote.action]: textValue(null) },
            },
          }),
        retried,
        index + update,
      );
      // A responder writes the next update after seeing this one land; waiting for it keeps
      // "in order" meaningful even when submissions are applied after the ack.
      await storedWithKey(`view:${viewId}`);
      incident.messages.push(message);
      bump();
    }
  }

  stream.done = Promise.all(Array.from({ length: INCIDENTS }, (_, i) => runIncident(i + 1))).then(() => {
    incidents.sort((a, b) => a.index - b.index);
  });
  return stream;
}

export interface StreamResult {
  scenario: string;
  incidents: number;
  updates: number;
  stored: number;
  postedInChannel: number;
  postedInThread: number;
  published: number;
  lost: number;
  duplicated: number;
  resubmissions: number;
  /** Distinct answers that made the stream submit again. */
  answers: string[];
  publishConfirmations: number;
  slackCalls: number;
  seconds: number;
}

const UPDATE_TEXT = /^INC-\d+ [A-Za-z]+: (drill-\d+-\d{3})/;

function markersIn(messages: { text: string }[]): string[] {
  return messages.map((m) => UPDATE_TEXT.exec(m.text)?.[1]).filter((m): m is string => m !== undefined);
}

/**
 * Waits until the outbox has settled, then checks every incident of the stream: stored once,
 * posted once in the channel and once in the announcement thread (alone or in a merged reply), published once, the public
 * JSON shows all of them, all in submission order. Records the numbers in artifacts/faults/.
 */
export async function expectEveryUpdateOnce(
  world: FaultWorld,
  stream: UpdateStream,
  scenario: string,
  startedAt: number,
): Promise<StreamResult> {
  await stream.done;
  await waitFor(
    async () => {
      const [row] = await world.db.query<{ open: string; failed: string }>(
        `SELECT count(*) FILTER (WHERE status IN ('PENDING', 'ENQUEUED')) AS open,
                count(*) FILTER (WHERE status = 'FAILED') AS failed FROM "OutboxMessage"`,
      );
      if (Number(row!.failed) > 0) throw new Error('failed outbox rows');
      return Number(row!.open) === 0 ? true : undefined;
    },
    180000,
    'every outbox row carried out',
  );
  const failed = await world.db.query<{ topic: string; lastError: string }>(
    `SELECT topic, "lastError" FROM "OutboxMessage" WHERE status = 'FAILED'`,
  );
  expect(failed).toEqual([]);

  let postedInChannel = 0;
  let postedInThread = 0;
  let published = 0;
  let publishConfirmations = 0;
  let lost = 0;
  let duplicated = 0;
  const count = (expected: string[], actual: string[]) => {
    lost += expected.filter((m) => !actual.includes(m)).length;
    duplicated += actual.length - new Set(actual).size;
  };
  const baseUrl = world.webUrls()[0]!;
  for (const incident of stream.incidents) {
    const expectedMarkers = incident.messages.map((m) => m.split(' ')[0]!);
    const rows = await world.db.query<{ publicMessage: string; publishedAt: Date | null }>(
      `SELECT "publicMessage", "publishedAt" FROM "IncidentUpdate" WHERE "incidentId" = $1
        ORDER BY "postedAt"`,
      [incident.id],
    );
    const storedMessages = rows.map((r) => r.publicMessage);
    count(incident.messages, storedMessages);
    expect(storedMessages).toEqual(incident.messages);
    expect(rows.every((r) => r.publishedAt !== null)).toBe(true);
    published += rows.filter((r) => r.publishedAt !== null).length;

    const [details] = await world.db.query<{ slackChannelId: string; announcementTs: string }>(
      'SELECT "slackChannelId", "announcementTs" FROM "Incident" WHERE id = $1',
      [incident.id],
    );
    const inChannel = world.fake.messagesIn(details!.slackChannelId);
    const channelMarkers = markersIn(inChannel);
    // A reply covers several updates when the announcements channel was busy (merged replies).
    const threadMarkers = world.fake
      .messagesIn(ANNOUNCEMENTS_CHANNEL)
      .filter((m) => m.thread_ts === details!.announcementTs && m.ts !== details!.announcementTs)
      .flatMap((m) => JSON.stringify(m.blocks ?? []).match(/drill-\d+-\d{3}/g) ?? []);
    // The declaration's summary is on the pinned card, not posted as an update.
    count(expectedMarkers.slice(1), channelMarkers);
    count(expectedMarkers.slice(1), threadMarkers);
    expect(channelMarkers).toEqual(expectedMarkers.slice(1));
    expect(threadMarkers).toEqual(expectedMarkers.slice(1));
    postedInChannel += channelMarkers.length;
    postedInThread += threadMarkers.length;
    // The "published on the status page" note follows the stamp; it is best effort, never twice.
    const confirmations = inChannel.filter((m) => m.text.includes('published on the status page')).length;
    expect(confirmations).toBeLessThanOrEqual(incident.messages.length);
    publishConfirmations += confirmations;

    await waitFor(
      async () => {
        const response = await fetch(`${baseUrl}/api/v2/incidents.json`);
        const json = (await response.json()) as {
          incidents: { id: string; incident_updates: { body: string }[] }[];
        };
        const shown = json.incidents.find((i) => i.id === incident.id)?.incident_updates.map((u) => u.body);
        return JSON.stringify(shown) === JSON.stringify([...incident.messages].reverse()) ? true : undefined;
      },
      10000,
      `${incident.title} on /api/v2/incidents.json with every update, newest first`,
    );
  }
  const updates = stream.incidents.reduce((n, i) => n + i.messages.length, 0);
  const result: StreamResult = {
    scenario,
    incidents: stream.incidents.length,
    updates,
    stored: stream.stored(),
    postedInChannel,
    postedInThread,
    published,
    lost,
    duplicated,
    resubmissions: stream.resubmissions,
    answers: [...new Set(stream.answers)],
    publishConfirmations,
    slackCalls: world.fake.calls.length,
    seconds: Math.round((Date.now() - startedAt) / 100) / 10,
  };
  expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  const dir = join(PROJECT_ROOT, 'artifacts', 'faults');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${scenario}.json`), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
