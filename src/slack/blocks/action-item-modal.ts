import { SLACK_LIMITS, truncate } from '../../domain/mrkdwn';
import { INPUT_IDS, VIEW_IDS } from '../ids';

export const ACTION_TITLE_MAX = 250;
export const PRIORITIES = ['high', 'medium', 'low'] as const;
export type PriorityValue = (typeof PRIORITIES)[number];
const PRIORITY_LABELS: Record<PriorityValue, string> = { high: 'High', medium: 'Medium', low: 'Low' };

const plain = (text: string) => ({
  type: 'plain_text' as const,
  text: truncate(text, SLACK_LIMITS.optionText),
});
const priorityOption = (value: PriorityValue) => ({ value, text: plain(PRIORITY_LABELS[value]) });

/** Contract: private_metadata of the add modal `{ incidentId }` and the edit modal `{ actionItemId }`. */
export function actionItemModal(input: {
  mode: 'add' | 'edit';
  incidentKey: string;
  incidentId?: string;
  actionItemId?: string;
  title: string;
  ownerId: string;
  /** YYYY-MM-DD */
  dueDate?: string;
  priority: PriorityValue;
}) {
  const add = input.mode === 'add';
  return {
    type: 'modal' as const,
    callback_id: add ? VIEW_IDS.addActionItem : VIEW_IDS.editActionItem,
    private_metadata: JSON.stringify(
      add ? { incidentId: input.incidentId } : { actionItemId: input.actionItemId },
    ),
    title: plain(truncate(`${add ? 'Action item' : 'Edit'} ${input.incidentKey}`, SLACK_LIMITS.modalTitle)),
    submit: plain(add ? 'Add' : 'Save'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: INPUT_IDS.actionTitle.block,
        label: plain('What needs doing'),
        element: {
          type: 'plain_text_input',
          action_id: INPUT_IDS.actionTitle.action,
          max_length: ACTION_TITLE_MAX,
          ...(input.title ? { initial_value: truncate(input.title, ACTION_TITLE_MAX) } : {}),
        },
      },
      {
        type: 'input',
        block_id: INPUT_IDS.actionOwner.block,
        label: plain('Owner'),
        element: {
          type: 'users_select',
          action_id: INPUT_IDS.actionOwner.action,
          initial_user: input.ownerId,
        },
      },
      {
        type: 'input',
        block_id: INPUT_IDS.actionDue.block,
        label: plain('Due date'),
        hint: {
          type: 'plain_text',
          text: 'The owner is reminded the working day before, on the day, and every working day after.',
        },
        element: {
          type: 'datepicker',
          action_id: INPUT_IDS.actionDue.action,
          ...(input.dueDate ? { initial_date: input.dueDate } : {}),
        },
      },
      {
        type: 'input',
        block_id: INPUT_IDS.actionPriority.block,
        label: plain('Priority'),
        element: {
          type: 'static_select',
          action_id: INPUT_IDS.actionPriority.action,
          initial_option: priorityOption(input.priority),
          options: PRIORITIES.map(priorityOption),
        },
      },
    ],
  };
}
