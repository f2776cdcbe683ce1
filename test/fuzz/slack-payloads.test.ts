import fc from 'fast-check';
import { ACTION_IDS, INPUT_IDS, SHORTCUT_IDS, VIEW_IDS } from '../../src/slack/ids';
import { MESSAGE_MAX, TITLE_MAX } from '../../src/slack/blocks/modals';
import { waitFor } from '../support/process';
import {
  declareFormValues,
  postInteraction,
  selectValue,
  sendBlockAction,
  sendEvent,
  sendSlashCommand,
  sendViewSubmission,
  textValue,
  TEST_USER_ID,
  type ViewStateValues,
} from '../support/slack-requests';
import { startSlackWorld, type SlackWorld } from '../support/slack-e2e';
import { caseCounter, storedFingerprint } from './support';

jest.setTimeout(240000);

/** Runs per property; FUZZ_RUNS scales the whole file. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

/**
 * Garbage through the real Bolt app, signed as Slack signs it: slash command text, modal
 * submissions, button clicks and events. Each must end in a 4xx or a clear answer to the user
 * (an ephemeral message, a modal field error), never a 5xx, and store nothing.
 */
describe('bad input in Slack payloads (fast-check, real app, fake Slack)', () => {
  let world: SlackWorld;
  let incidentId: string;
  let incidentChannel: string;
  let before: Record<string, string>;
  const counter = caseCounter();

  beforeAll(async () => {
    world = await startSlackWorld('fuzz_payloads');
    const declared = await sendViewSubmission(world.app.baseUrl, {
      callbackId: VIEW_IDS.declare,
      viewId: 'V0FUZZSEED',
      values: declareFormValues({ title: 'Fuzz target', summary: 'seeded' }),
    });
    expect(declared.status).toBe(200);
    const [row] = await waitFor(
      async () => {
        const rows = await world.db.query<{ id: string; slackChannelId: string | null }>(
          'SELECT id, "slackChannelId" FROM "Incident"',
        );
        return rows[0]?.slackChannelId ? rows : undefined;
      },
      20000,
      'the seeded incident and its channel',
    );
    incidentId = row!.id;
    incidentChannel = row!.slackChannelId!;
    await waitFor(
      async () => {
        const [open] = await world.db.query<{ n: string }>(
          `SELECT count(*) AS n FROM "OutboxMessage" WHERE status <> 'DONE'`,
        );
        return Number(open!.n) === 0 ? true : undefined;
      },
      20000,
      'seed carried out',
    );
    before = await storedFingerprint(world.db);
  });
  afterAll(async () => {
    await world?.close();
    const totals = counter.record('slack-payloads');
    expect(totals.serverErrors).toBe(0);
  });

  async function expectNothingStoredAndServing() {
    // Work after an ack (timeline replies, modals) settles within a moment.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await storedFingerprint(world.db)).toEqual(before);
    expect((await fetch(`${world.app.baseUrl}/healthz`)).status).toBe(200);
  }

  /** True once the user was told something: in the ack, by response_url, or in an opened modal. */
  async function userWasAnswered(response: Response, responseId: string, triggerId: string) {
    const body = await response.text();
    if (body !== '') {
      const json = JSON.parse(body) as { text?: string; blocks?: unknown[] };
      return Boolean(json.text || json.blocks);
    }
    return waitFor(
      async () =>
        world.fake.responses.some((r) => r.id === responseId) ||
        world.fake.callsTo('views.open').some((c) => c.args.trigger_id === triggerId)
          ? true
          : undefined,
      5000,
      `an answer for ${responseId}`,
    ).catch(() => false);
  }

  const subcommand = fc.constantFrom(
    'declare',
    'update',
    'status',
    'resolve',
    'severity',
    'lead',
    'role',
    'timeline',
    'list',
    'help',
    'postmortem',
    '',
  );
  const commandText = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.tuple(subcommand, fc.string({ maxLength: 120 })).map(([sub, rest]) => `${sub} ${rest}`),
    fc
      .tuple(
        subcommand,
        fc.constantFrom('<@U1|x>', '<!channel>', '<#C1|c>', '&lt;script&gt;', '\u0000', '\u202e'),
      )
      .map(([sub, odd]) => `${sub} ${odd}`),
    fc.integer({ min: 3000, max: 6000 }).map((n) => `update ${'x'.repeat(n)}`),
  );

  it('slash command text: always an answer to the user, never a 5xx, nothing stored (outside incident channels)', async () => {
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(commandText, async (text) => {
        seq += 1;
        const responseId = `FUZZCMD${seq}`;
        const triggerId = `fuzz.${seq}.trigger`;
        const response = await sendSlashCommand(world.app.baseUrl, text, {
          response_url: world.fake.responseUrl(responseId),
          trigger_id: triggerId,
        });
        counter.count('slash command', response.status);
        expect(response.status).toBe(200);
        expect(await userWasAnswered(response, responseId, triggerId)).toBe(true);
      }),
      { numRuns: RUNS * 2, endOnFailure: true },
    );
    await expectNothingStoredAndServing();
  });

  it('slash command text in an incident channel: never a 5xx, and the app keeps serving', async () => {
    // Stage changes and role changes may be real changes here; the check is the answer itself.
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(
          fc.constantFrom('severity', 'lead', 'role', 'timeline', 'status', 'help'),
          fc.string({ maxLength: 80 }),
        ),
        async ([sub, rest]) => {
          const response = await sendSlashCommand(world.app.baseUrl, `${sub} ${rest}`, {
            channel_id: incidentChannel,
            response_url: world.fake.responseUrl(),
          });
          counter.count('slash command in incident channel', response.status);
          expect(response.status).toBe(200);
        },
      ),
      { numRuns: RUNS / 2, endOnFailure: true },
    );
    expect((await fetch(`${world.app.baseUrl}/healthz`)).status).toBe(200);
    before = await storedFingerprint(world.db);
  });

  /** An element state of the wrong shape or type, as a tampering client could send. */
  const badElement = fc.oneof(
    fc.constant(null),
    fc.integer(),
    fc.string({ maxLength: 20 }),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    fc.record({
      type: fc.constant('plain_text_input'),
      value: fc.oneof(fc.integer(), fc.boolean(), fc.object()),
    }),
    fc.record({
      type: fc.constant('static_select'),
      selected_option: fc.oneof(fc.string(), fc.record({ value: fc.integer() })),
    }),
    fc.record({
      type: fc.constant('users_select'),
      selected_user: fc.oneof(fc.integer(), fc.string({ maxLength: 30 })),
    }),
  );
  const oversized = (max: number) => fc.integer({ min: max + 1, max: max + 5000 }).map((n) => 'y'.repeat(n));

  /** A declare form that can never be valid: its title or severity is broken, plus more damage. */
  const brokenDeclareValues = fc
    .record({
      title: fc.oneof(fc.constant(''), fc.constant('   '), oversized(TITLE_MAX)),
      severity: fc.oneof(fc.constant('SEV2'), fc.string({ maxLength: 8 })),
      summary: fc.oneof(fc.string({ maxLength: 50 }), oversized(MESSAGE_MAX)),
      lead: fc.oneof(fc.constant('U0LEAD'), fc.string({ maxLength: 12 })),
      drop: fc.subarray(['severity', 'summary', 'lead', 'options', 'components']),
      garbageBlock: fc.option(
        fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), badElement),
      ),
    })
    .map(({ title, severity, summary, lead, drop, garbageBlock }) => {
      const values: Record<string, unknown> = declareFormValues({ title, severity, summary, leadId: lead });
      for (const field of drop) delete values[INPUT_IDS[field as 'severity'].block];
      if (garbageBlock) values[garbageBlock[0]] = { [garbageBlock[1]]: garbageBlock[2] };
      return values;
    });
  /** A declare form whose elements have the wrong types altogether. */
  const mistypedDeclareValues = fc
    .tuple(fc.constantFrom('title', 'severity', 'lead', 'summary', 'options'), badElement)
    .filter(([, element]) =>
      element !== null && typeof element === 'object' && !Array.isArray(element) ? true : true,
    )
    .map(([field, element]) => {
      const values: Record<string, unknown> = declareFormValues({ title: '', severity: 'NOPE' });
      values[INPUT_IDS[field].block] = { [INPUT_IDS[field].action]: element };
      return values;
    });

  const metadata = () =>
    fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.constant(''),
      fc.constant('{"incidentId":"not-a-uuid","version":1}'),
      fc.uuid().map((id) => JSON.stringify({ incidentId: id, version: 1 })),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.constant(JSON.stringify({ incidentId: '00000000-0000-4000-8000-000000000000', version: -1 })),
      fc.integer({ min: 3001, max: 6000 }).map((n) => 'm'.repeat(n)),
    );
  /** Update-form values that can never be valid for the real incident: a broken stage or message. */
  const brokenUpdateValues = fc
    .record({
      stage: fc.oneof(fc.constant(null), fc.string({ maxLength: 15 })),
      message: fc.oneof(fc.string({ maxLength: 50 }), oversized(MESSAGE_MAX)),
      impactBlock: fc.option(fc.tuple(fc.string({ maxLength: 36 }), fc.string({ maxLength: 20 }))),
    })
    .filter(({ stage }) => !['investigating', 'identified', 'monitoring', 'resolved'].includes(stage ?? ''))
    .map(({ stage, message, impactBlock }) => {
      const values: ViewStateValues = {
        [INPUT_IDS.stage.block]: { [INPUT_IDS.stage.action]: selectValue(stage) },
        [INPUT_IDS.publicMessage.block]: { [INPUT_IDS.publicMessage.action]: textValue(message) },
      };
      if (impactBlock)
        values[`${INPUT_IDS.componentImpact.blockPrefix}${impactBlock[0]}`] = {
          [INPUT_IDS.componentImpact.action]: selectValue(impactBlock[1]),
        };
      return values;
    });

  async function expectClearModalAnswer(response: Response) {
    expect(response.status).toBeLessThan(500);
    if (response.status !== 200) return;
    const json = JSON.parse(await response.text()) as {
      response_action?: string;
      errors?: Record<string, string>;
      view?: unknown;
    };
    expect(['errors', 'update']).toContain(json.response_action);
    if (json.response_action === 'errors') {
      expect(Object.keys(json.errors ?? {}).length).toBeGreaterThan(0);
      for (const message of Object.values(json.errors ?? {})) expect(message.length).toBeGreaterThan(5);
    }
  }

  it('modal submissions (oversized, missing, wrong types, tampered private_metadata, unknown ids): a field error or 4xx, nothing stored', async () => {
    let seq = 0;
    const submission = fc.oneof(
      brokenDeclareValues.map((values) => ({ callbackId: VIEW_IDS.declare as string, values, meta: '' })),
      mistypedDeclareValues.map((values) => ({ callbackId: VIEW_IDS.declare as string, values, meta: '' })),
      fc.tuple(brokenUpdateValues, fc.boolean(), metadata()).map(([values, real, meta]) => ({
        callbackId: VIEW_IDS.update as string,
        values,
        meta: real ? JSON.stringify({ incidentId, version: 1 }) : meta,
      })),
      fc.tuple(metadata(), fc.constantFrom('investigating', 'monitoring')).map(([meta, stage]) => ({
        callbackId: VIEW_IDS.update as string,
        values: { [INPUT_IDS.stage.block]: { [INPUT_IDS.stage.action]: selectValue(stage) } },
        meta,
      })),
      fc
        .tuple(
          fc.string({ maxLength: 40 }),
          fc.dictionary(
            fc.string({ maxLength: 10 }),
            fc.dictionary(fc.string({ maxLength: 10 }), badElement),
          ),
        )
        .filter(([id]) => !Object.values(VIEW_IDS).includes(id as never))
        .map(([callbackId, values]) => ({ callbackId, values, meta: '' })),
    );
    await fc.assert(
      fc.asyncProperty(submission, async ({ callbackId, values, meta }) => {
        seq += 1;
        const response = await sendViewSubmission(world.app.baseUrl, {
          callbackId,
          viewId: `V0FUZZ${seq}`,
          privateMetadata: meta,
          values: values as ViewStateValues,
        });
        counter.count('modal submission', response.status);
        await expectClearModalAnswer(response);
      }),
      { numRuns: RUNS * 3, endOnFailure: true },
    );
    await expectNothingStoredAndServing();
  });

  it('interaction payloads of the wrong shape: a 4xx or an answer, never a 5xx, nothing stored', async () => {
    const payload = fc.oneof(
      // view_submission with parts missing or of the wrong type.
      fc
        .tuple(
          fc.constantFrom('state', 'user', 'view', 'values', 'callback_id'),
          fc.oneof(
            fc.constant(null),
            fc.integer(),
            fc.string({ maxLength: 10 }),
            fc.array(fc.integer(), { maxLength: 2 }),
          ),
        )
        .map(([part, junk]) => {
          const view: Record<string, unknown> = {
            id: 'V0SHAPE',
            type: 'modal',
            callback_id: VIEW_IDS.update,
            private_metadata: JSON.stringify({ incidentId, version: 1 }),
            state: { values: {} },
          };
          const body: Record<string, unknown> = {
            type: 'view_submission',
            team: { id: 'T0TEAM' },
            user: { id: TEST_USER_ID },
            view,
          };
          if (part === 'values') (view.state as Record<string, unknown>).values = junk;
          else if (part === 'callback_id') view.callback_id = junk;
          else if (part === 'view') body.view = junk;
          else body[part] = junk;
          return body;
        }),
      // Types Sitrep does not use, and random objects.
      fc.record({
        type: fc.constantFrom(
          'view_closed',
          'shortcut',
          'message_action',
          'block_suggestion',
          'dialog_submission',
          'nonsense',
        ),
      }),
      fc.record({
        type: fc.string({ maxLength: 20 }),
        team: fc.record({ id: fc.string({ maxLength: 12 }) }),
      }),
      fc.tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 100 })).map(([callbackId, text]) => ({
        type: 'message_action',
        callback_id: callbackId.length % 2 === 0 ? SHORTCUT_IDS.addToTimeline : callbackId,
        team: { id: 'T0TEAM' },
        user: { id: TEST_USER_ID },
        channel: { id: 'C0GENERAL' },
        trigger_id: 'fuzz.shortcut',
        response_url: world.fake.responseUrl(),
        message_ts: '1700000000.000100',
        message: { type: 'message', user: TEST_USER_ID, ts: '1700000000.000100', text },
      })),
    );
    await fc.assert(
      fc.asyncProperty(payload, async (body) => {
        const response = await postInteraction(world.app.baseUrl, body);
        counter.count('interaction payload', response.status);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: RUNS * 2, endOnFailure: true },
    );
    await expectNothingStoredAndServing();
  });

  it('button clicks with unknown action ids or garbage values: never a 5xx, nothing stored', async () => {
    const click = fc.record({
      actionId: fc.oneof(fc.constantFrom(...Object.values(ACTION_IDS)), fc.string({ maxLength: 40 })),
      value: fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.uuid(),
        fc.constant(incidentId),
        fc.integer({ min: 2001, max: 4000 }).map((n) => 'v'.repeat(n)),
      ),
    });
    await fc.assert(
      fc.asyncProperty(click, async ({ actionId, value }) => {
        const response = await sendBlockAction(world.app.baseUrl, {
          actionId,
          value,
          responseUrl: world.fake.responseUrl(),
        });
        counter.count('button click', response.status);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: RUNS * 2, endOnFailure: true },
    );
    await expectNothingStoredAndServing();
  });

  it('events of unknown types or with garbage fields: never a 5xx, nothing stored', async () => {
    const event = fc.oneof(
      fc.record({
        type: fc.constant('reaction_added'),
        user: fc.string({ maxLength: 12 }),
        reaction: fc.string({ maxLength: 20 }),
        item: fc.oneof(
          fc.constant(null),
          fc.record({
            type: fc.constant('message'),
            channel: fc.string({ maxLength: 12 }),
            ts: fc.string({ maxLength: 20 }),
          }),
          fc.record({ type: fc.constant('file'), file: fc.string() }),
        ),
        event_ts: fc.constant('1700000000.000200'),
      }),
      fc.record({ type: fc.string({ maxLength: 25 }), text: fc.string({ maxLength: 50 }) }),
      fc.jsonValue().map((v) => ({ type: 'message', subtype: 'bot_message', junk: v })),
    );
    await fc.assert(
      fc.asyncProperty(event, fc.option(fc.integer({ min: 1, max: 3 })), async (body, retryNum) => {
        const response = await sendEvent(world.app.baseUrl, body as Record<string, unknown>, {
          ...(retryNum !== null ? { retryNum, retryReason: 'http_timeout' } : {}),
        });
        counter.count('event', response.status);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: RUNS * 2, endOnFailure: true },
    );
    await expectNothingStoredAndServing();
  });
});
