import fc from 'fast-check';
import {
  renderAnnouncement,
  renderIncidentCard,
  renderMergedUpdates,
  renderUpdateMessage,
} from '../../src/slack/blocks/incident-messages';
import type { IncidentView } from '../../src/slack/blocks/incident-view';
import { declareModal, updateModal } from '../../src/slack/blocks/modals';
import { renderTimeline } from '../../src/slack/blocks/timeline';
import { ACTION_IDS, INPUT_IDS } from '../../src/slack/ids';

const view = (title: string, summary = ''): IncidentView => ({
  id: '00000000-0000-4000-8000-000000000001',
  key: 'INC-42',
  title,
  summary,
  severity: 'SEV2',
  stage: 'identified',
  isPrivate: false,
  channelId: 'C0INC',
  roles: { lead: 'U0LEAD' },
  components: [{ name: 'SEI <b>', group: 'Prod Eu1', impact: 'PARTIAL_OUTAGE' }],
  times: {
    declaredAt: new Date('2026-02-13T06:51:00Z'),
    identifiedAt: new Date('2026-02-13T07:15:00Z'),
    monitoringAt: null,
    resolvedAt: null,
  },
  statusPageUrl: 'https://status.example.com/incidents/00000000-0000-4000-8000-000000000001',
});

const texts = (blocks: object[]) => JSON.stringify(blocks);

/** Every string Slack reads as mrkdwn (plain_text never pings anyone, so it is left out). */
function mrkdwnTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(mrkdwnTexts);
  if (!node || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const own = record.type === 'mrkdwn' && typeof record.text === 'string' ? [record.text] : [];
  return [...own, ...Object.values(record).flatMap(mrkdwnTexts)];
}

describe('Slack messages', () => {
  it('escape user text so a title can never ping a channel', () => {
    const card = renderIncidentCard(view('<!channel> & <@U0BOSS>', 'sum <!here>'));
    const announcement = renderAnnouncement(view('<!channel> down'), 'U0DECL');
    const update = renderUpdateMessage(
      view('x'),
      {
        stage: 'monitoring',
        publicMessage: '<!everyone> fixed',
        internalNote: '<!here> note',
        authorId: 'U1',
      },
      { includeInternalNote: true },
    );
    for (const message of [card, announcement, update]) {
      for (const text of [message.text, ...mrkdwnTexts(message.blocks)])
        expect(text).not.toMatch(/<!(channel|here|everyone)>/);
    }
    expect(announcement.text).toContain('&lt;!channel&gt; down');
    expect(texts(card.blocks)).toContain('SEI &lt;b&gt; (Prod Eu1): partial outage');
  });

  it('keep within Slack limits whatever the title (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5000 }), fc.string({ maxLength: 8000 }), (title, summary) => {
        const card = renderIncidentCard(view(title, summary));
        expect(card.blocks.length).toBeLessThanOrEqual(50);
        const header = card.blocks[0] as { text: { text: string } };
        expect(header.text.text.length).toBeLessThanOrEqual(150);
        for (const block of card.blocks as { type: string; text?: { text: string } }[]) {
          if (block.type === 'section' && block.text)
            expect(block.text.text.length).toBeLessThanOrEqual(3000);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('link a public incident’s card to its status page', () => {
    expect(texts(renderIncidentCard(view('x')).blocks)).toContain(
      '<https://status.example.com/incidents/00000000-0000-4000-8000-000000000001|Status page>',
    );
    expect(texts(renderIncidentCard({ ...view('x'), statusPageUrl: null }).blocks)).not.toContain(
      'Status page',
    );
  });

  it('put a "Post update" button carrying the incident id on the card', () => {
    const actions = renderIncidentCard(view('x')).blocks.find(
      (b) => (b as { type: string }).type === 'actions',
    ) as {
      elements: { action_id: string; value: string }[];
    };
    expect(actions.elements).toEqual([
      expect.objectContaining({ action_id: ACTION_IDS.openUpdateModal, value: view('x').id }),
    ]);
  });

  it('leave the internal note out of messages for channel watchers', () => {
    const update = {
      stage: 'monitoring' as const,
      publicMessage: 'Fixed',
      internalNote: 'secret sauce',
      authorId: 'U1',
    };
    expect(
      texts(renderUpdateMessage(view('x'), update, { includeInternalNote: false }).blocks),
    ).not.toContain('secret sauce');
    expect(texts(renderUpdateMessage(view('x'), update, { includeInternalNote: true }).blocks)).toContain(
      'secret sauce',
    );
  });
});

describe('merged thread replies', () => {
  const update = (n: number, publicMessage = `message ${n}`) => ({
    stage: 'identified' as const,
    publicMessage,
    authorId: `U${n}`,
  });

  it('carry every merged update, oldest first, escaped, with the latest in the notification text', () => {
    const merged = renderMergedUpdates(view('x'), [
      update(1, '<!channel> first'),
      update(2),
      update(3, 'last'),
    ]);
    expect(merged.text).toBe('INC-42 Identified (3 updates): last');
    const sections = mrkdwnTexts(merged.blocks);
    expect(sections[0]).toBe('*INC-42 · 3 updates*');
    expect(sections.slice(1)).toEqual([
      expect.stringContaining('&lt;!channel&gt; first'),
      expect.stringContaining('message 2'),
      expect.stringContaining('last'),
    ]);
  });

  it("stay within Slack's 50 blocks however many updates are merged, saying how many are left out", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), (count) => {
        const merged = renderMergedUpdates(
          view('x'),
          Array.from({ length: count }, (_, i) => update(i + 1)),
        );
        expect(merged.blocks.length).toBeLessThanOrEqual(50);
        expect(JSON.stringify(merged.blocks)).toContain(`message ${count}`);
        const omitted = count - (merged.blocks.length - 1);
        if (omitted > 0) expect(mrkdwnTexts(merged.blocks)[0]).toContain(`the ${omitted} oldest`);
      }),
      { numRuns: 50 },
    );
  });
});

describe('timeline', () => {
  it('escapes entries holding user text and keeps the mentions Sitrep wrote', () => {
    const at = new Date('2026-02-13T07:15:00Z');
    const rendered = texts(
      renderTimeline(
        'INC-42',
        [
          { kind: 'declared', text: 'Declared SEV2: <!channel> title', actorId: 'U1', occurredAt: at },
          { kind: 'update_posted', text: '<!here> still down', actorId: 'U1', occurredAt: at },
          { kind: 'message_added', text: 'a < b & c', actorId: 'U2', occurredAt: at },
          { kind: 'role_assigned', text: 'Incident lead: <@U0NEW>', actorId: 'U1', occurredAt: at },
        ],
        'America/Los_Angeles',
      ).blocks,
    );
    expect(rendered).not.toMatch(/<!(channel|here)>/);
    expect(rendered).toContain('a &lt; b &amp; c');
    expect(rendered).toContain('Incident lead: <@U0NEW>');
    expect(rendered).toContain('`Thu, Feb 12, 2026 23:15 PST`');
  });

  it('splits a long timeline across sections within Slack limits', () => {
    const entries = Array.from({ length: 400 }, (_, i) => ({
      kind: 'message_added',
      text: 'x'.repeat(900),
      actorId: null,
      occurredAt: new Date(Date.UTC(2026, 1, 13, 0, i)),
    }));
    const { blocks } = renderTimeline('INC-1', entries, 'UTC');
    expect(blocks.length).toBeLessThanOrEqual(46);
    for (const block of blocks as { text: { text: string } }[])
      expect(block.text.text.length).toBeLessThanOrEqual(3000);
  });
});

describe('modals', () => {
  it('declare: title prefilled, components grouped, lead defaults to the declarer', () => {
    const modal = declareModal({
      title: 'Checkout down',
      declaredById: 'U0ME',
      components: [
        { id: 'c1', name: 'SEI', group: 'Prod Eu1' },
        { id: 'c2', name: 'SEI', group: 'Prod 2' },
      ],
    });
    const block = (id: string) =>
      modal.blocks.find((b) => (b as { block_id: string }).block_id === id) as {
        element: Record<string, unknown>;
      };
    expect(block(INPUT_IDS.title.block).element.initial_value).toBe('Checkout down');
    expect(block(INPUT_IDS.lead.block).element.initial_user).toBe('U0ME');
    expect(
      (block(INPUT_IDS.components.block).element.option_groups as { label: { text: string } }[]).map(
        (g) => g.label.text,
      ),
    ).toEqual(['Prod Eu1', 'Prod 2']);
    expect(
      declareModal({ title: '', declaredById: 'U0ME', components: [] }).blocks.some(
        (b) => (b as { block_id: string }).block_id === INPUT_IDS.components.block,
      ),
    ).toBe(false);
  });

  it('update: a title within 24 characters and the current stage preselected', () => {
    const modal = updateModal({
      incidentId: 'id',
      incidentKey: 'INC-123456',
      version: 4,
      stage: 'monitoring',
      components: [],
    });
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
    expect(JSON.parse(modal.private_metadata)).toEqual({ incidentId: 'id', version: 4 });
    expect(texts(modal.blocks)).toContain('"initial_option":{"value":"monitoring"');
  });
});
