import { incidentMetrics } from '../../src/domain/incident-metrics';
import type { PostmortemReport } from '../../src/domain/postmortem-report';
import { postmortemMessage } from '../../src/slack/blocks/postmortem-messages';
import { postmortemModal } from '../../src/slack/blocks/postmortem-modal';
import { ACTION_IDS, INPUT_IDS, VIEW_IDS } from '../../src/slack/ids';

const EVIL = '<!channel> & <@U0BOSS>';
const T = new Date('2026-02-13T06:51:00Z');
const report: PostmortemReport = {
  incidentKey: 'INC-12345',
  title: `Checkout ${EVIL} ${'x'.repeat(200)}`,
  summary: `Summary ${EVIL} ${'s'.repeat(5000)}`,
  rootCause: 'A bad migration.',
  impact: '',
  notImpacted: '',
  remediation: '',
  impactStartedAt: T,
  impactEndedAt: new Date(T.getTime() + 3600_000),
  actionItems: [
    {
      title: `Fix ${EVIL}`,
      ownerId: 'U0OWNER',
      dueAt: new Date('2026-03-01T00:00:00Z'),
      priority: 'high',
      state: 'open',
    },
  ],
  updates: Array.from({ length: 30 }, (_, i) => ({
    stage: 'identified' as const,
    body: `Update ${i} ${EVIL}`,
    postedAt: new Date(T.getTime() + i * 60_000),
  })),
  metrics: incidentMetrics({
    declaredAt: T,
    identifiedAt: null,
    monitoringAt: null,
    resolvedAt: null,
    impactStartedAt: T,
    impactEndedAt: null,
  }),
  published: false,
};

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { action_id?: string; text?: unknown }[];
};

describe('postmortem modal', () => {
  const view = postmortemModal({
    incidentId: '6f52e3a7-a6d0-4587-8000-000000000001',
    incidentKey: report.incidentKey,
    version: 3,
    values: report,
    stageTimes: [{ stage: 'investigating', at: T }],
    updates: report.updates,
    metrics: report.metrics,
    actionItems: report.actionItems,
    published: false,
  });

  it('keeps to Slack’s limits and carries the incident and draft version', () => {
    expect(view.callback_id).toBe(VIEW_IDS.postmortem);
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.parse(view.private_metadata)).toEqual({
      incidentId: '6f52e3a7-a6d0-4587-8000-000000000001',
      version: 3,
    });
    const summary = (view.blocks as Block[]).find(
      (b) => b.block_id === INPUT_IDS.pmSummary.block,
    ) as unknown as {
      element: { initial_value: string; max_length: number };
    };
    expect(summary.element.initial_value.length).toBeLessThanOrEqual(3000);
    expect(summary.element.max_length).toBe(3000);
    for (const block of view.blocks as Block[])
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
  });

  it('escapes user text in what it shows, but mentions owners', () => {
    const shown = JSON.stringify(view.blocks.filter((b) => b.type === 'section'));
    expect(shown).not.toContain('<!channel>');
    expect(shown).toContain('&lt;!channel&gt;');
    expect(shown).toContain('<@U0OWNER>');
    expect(shown).not.toContain('<@U0BOSS>');
  });
});

describe('postmortem message', () => {
  it('escapes user text, mentions owners, and offers Publish only when it may be published', () => {
    const message = postmortemMessage(report, {
      incidentId: 'id-1',
      timeZone: 'UTC',
      pageUrl: null,
      canPublish: false,
    });
    const blocks = message.blocks as Block[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    const header = blocks[0]!.text!.text;
    expect(header.length).toBeLessThanOrEqual(150);
    expect(message.text).not.toContain('<!channel>');
    const sections = JSON.stringify(blocks.filter((b) => b.type === 'section'));
    expect(sections).not.toContain('<!channel>');
    expect(sections).toContain('<@U0OWNER>');
    for (const block of blocks)
      if (block.type === 'section') expect(block.text!.text.length).toBeLessThanOrEqual(3000);
    const actions = blocks.at(-1)!.elements!.map((e) => e.action_id);
    expect(actions).toEqual([ACTION_IDS.editPostmortem]);
    const publishable = postmortemMessage(report, {
      incidentId: 'id-1',
      timeZone: 'UTC',
      pageUrl: null,
      canPublish: true,
    });
    expect((publishable.blocks.at(-1) as Block).elements!.map((e) => e.action_id)).toEqual([
      ACTION_IDS.editPostmortem,
      ACTION_IDS.publishPostmortem,
    ]);
  });
});
