import type { IncidentRoleName } from './roles';
import { ROLE_LABELS } from './roles';
import type { Severity } from './severity';
import { moveStage, STAGE_LABELS, type Stage, type StageMove, type StageTimes } from './stages';

/** What a decision needs to know about an incident. */
export interface IncidentSnapshot {
  stage: Stage;
  severity: Severity;
  isPrivate: boolean;
  times: StageTimes;
  roles: Partial<Record<IncidentRoleName, string>>;
}

export type IncidentCommand =
  | {
      type: 'post_update';
      stage: Stage;
      publicMessage: string;
      internalNote: string;
      notifySubscribers: boolean;
      /** `/incident status` and `resolve` ask for a move; the update modal may keep the stage. */
      requireStageChange: boolean;
      at: Date;
    }
  | { type: 'change_severity'; severity: Severity; at: Date }
  | { type: 'assign_role'; role: IncidentRoleName; userId: string; at: Date };

export type TimelineKind =
  'declared' | 'update_posted' | 'stage_changed' | 'severity_changed' | 'role_assigned' | 'message_added';

export type IncidentEffect =
  | {
      type: 'record_update';
      stage: Stage;
      publicMessage: string;
      internalNote: string;
      notifySubscribers: boolean;
    }
  | { type: 'record_timeline'; kind: TimelineKind; text: string; data: Record<string, unknown> }
  /** Post in the incident channel, thread under the announcement, refresh the pinned card. */
  | { type: 'announce_in_slack' }
  /** Publish on the public status page (never for private incidents). */
  | { type: 'publish_status_page' };

export type Decision =
  { ok: true; next: IncidentSnapshot; effects: IncidentEffect[] } | { ok: false; error: string };

/** Default public messages, as Atlassian Statuspage words them (the seed report uses these). */
export const DEFAULT_STAGE_MESSAGES: Record<Stage, string> = {
  investigating: 'We are currently investigating this issue.',
  identified: 'The issue has been identified and a fix is being implemented.',
  monitoring: 'A fix has been implemented and we are monitoring the results.',
  resolved: 'This incident has been resolved.',
};

function postUpdate(
  snapshot: IncidentSnapshot,
  command: Extract<IncidentCommand, { type: 'post_update' }>,
): Decision {
  let times = snapshot.times;
  let move: StageMove | undefined;
  if (command.stage !== snapshot.stage || command.requireStageChange) {
    const result = moveStage(snapshot.stage, command.stage, snapshot.times, command.at);
    if (!result.ok) return result;
    times = result.times;
    move = result.move;
  }
  const publicMessage = command.publicMessage.trim() || DEFAULT_STAGE_MESSAGES[command.stage];
  const effects: IncidentEffect[] = [
    {
      type: 'record_update',
      stage: command.stage,
      publicMessage,
      internalNote: command.internalNote.trim(),
      notifySubscribers: command.notifySubscribers,
    },
    move
      ? {
          type: 'record_timeline',
          kind: 'stage_changed',
          text: `${STAGE_LABELS[snapshot.stage]} → ${STAGE_LABELS[command.stage]}${move === 'forward' ? '' : ` (${move})`}`,
          data: { from: snapshot.stage, to: command.stage, move },
        }
      : {
          type: 'record_timeline',
          kind: 'update_posted',
          text: publicMessage,
          data: { stage: command.stage },
        },
    { type: 'announce_in_slack' },
  ];
  if (!snapshot.isPrivate) effects.push({ type: 'publish_status_page' });
  return { ok: true, next: { ...snapshot, stage: command.stage, times }, effects };
}

/**
 * The incident's rules in one pure function: (incident, command) → new state and the effects
 * to carry out. Services turn effects into rows (updates, timeline, outbox) in one transaction.
 */
export function decide(snapshot: IncidentSnapshot, command: IncidentCommand): Decision {
  switch (command.type) {
    case 'post_update':
      return postUpdate(snapshot, command);
    case 'change_severity':
      if (command.severity === snapshot.severity)
        return { ok: false, error: `The incident is already ${command.severity}.` };
      return {
        ok: true,
        next: { ...snapshot, severity: command.severity },
        effects: [
          {
            type: 'record_timeline',
            kind: 'severity_changed',
            text: `Severity ${snapshot.severity} → ${command.severity}`,
            data: { from: snapshot.severity, to: command.severity },
          },
          { type: 'announce_in_slack' },
        ],
      };
    case 'assign_role': {
      const previous = snapshot.roles[command.role];
      if (previous === command.userId) {
        return { ok: false, error: `That person is already the ${ROLE_LABELS[command.role].toLowerCase()}.` };
      }
      return {
        ok: true,
        next: { ...snapshot, roles: { ...snapshot.roles, [command.role]: command.userId } },
        effects: [
          {
            type: 'record_timeline',
            kind: 'role_assigned',
            text: `${ROLE_LABELS[command.role]}: <@${command.userId}>`,
            data: { role: command.role, userId: command.userId, previousUserId: previous ?? null },
          },
          { type: 'announce_in_slack' },
        ],
      };
    }
  }
}
