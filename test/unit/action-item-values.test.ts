import { parseActionItemSubmission } from '../../src/slack/listeners/action-item-values';
import { renderDigest, renderOverdueView, reminderMessage } from '../../src/slack/blocks/action-items';
import { INPUT_IDS } from '../../src/slack/ids';
import type { ViewState } from '../../src/slack/listeners/view-values';

function state(form: {
  title?: string | null;
  owner?: string | null;
  due?: string | null;
  priority?: string;
}) {
  return {
    [INPUT_IDS.actionTitle.block]: { [INPUT_IDS.actionTitle.action]: { value: form.title ?? null } },
    [INPUT_IDS.actionOwner.block]: { [INPUT_IDS.actionOwner.action]: { selected_user: form.owner ?? null } },
    [INPUT_IDS.actionDue.block]: { [INPUT_IDS.actionDue.action]: { selected_date: form.due ?? null } },
    [INPUT_IDS.actionPriority.block]: {
      [INPUT_IDS.actionPriority.action]: { selected_option: form.priority ? { value: form.priority } : null },
    },
  } as ViewState;
}

describe('parseActionItemSubmission', () => {
  it('accepts a complete form and stores the due date as 00:00 UTC', () => {
    expect(
      parseActionItemSubmission(
        state({ title: ' Fix it ', owner: 'U0ANA', due: '2026-12-03', priority: 'high' }),
        '2026-11-30',
      ),
    ).toEqual({
      ok: true,
      value: { title: 'Fix it', ownerId: 'U0ANA', dueAt: new Date('2026-12-03T00:00:00Z'), priority: 'high' },
    });
  });

  it('names every wrong field', () => {
    expect(
      parseActionItemSubmission(
        state({ title: 'x'.repeat(251), due: '2026-11-01', priority: 'urgent' }),
        '2026-11-30',
      ),
    ).toEqual({
      ok: false,
      errors: {
        [INPUT_IDS.actionTitle.block]: 'Keep it under 250 characters.',
        [INPUT_IDS.actionOwner.block]: 'Choose who owns it.',
        [INPUT_IDS.actionDue.block]: 'The due date is in the past; today is 2026-11-30.',
        [INPUT_IDS.actionPriority.block]: 'Choose a priority.',
      },
    });
  });
});

describe('action item messages', () => {
  const item = {
    id: '00000000-0000-4000-8000-000000000001',
    title: 'Page <!channel> & fix',
    ownerId: 'U0ANA',
    dueAt: new Date('2026-12-03T00:00:00Z'),
    priority: 'HIGH' as const,
    state: 'OPEN',
    incidentKey: 'INC-7',
  };

  it('escapes titles in reminders and hides private incidents in the overdue view', () => {
    const message = reminderMessage(item, 'overdue', 3);
    expect(message.text).toBe(
      'Overdue (reminder 3): your action item from INC-7: Page &lt;!channel&gt; &amp; fix',
    );
    const overdue = renderOverdueView([item, { ...item, id: 'x', incidentKey: 'INC-8', hidden: true }]);
    expect(overdue).toContain('*By owner*\n• <@U0ANA>: 2 overdue');
    expect(overdue).toContain('*INC-8* (1)\n• *INC-8* _(private incident)_');
    expect(overdue).not.toContain('<!channel>');
  });

  it('digest: one line per team, team names escaped', () => {
    const { text } = renderDigest([{ team: 'A <b>', open: 2, overdue: 1, closedOnTime: 3, closedLate: 0 }]);
    expect(text).toContain('• *A &lt;b&gt;*: 2 open, 1 overdue, 3 closed on time, 0 closed late');
  });
});
