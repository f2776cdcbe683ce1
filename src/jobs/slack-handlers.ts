import { announceIncident } from '../services/slack/announce-incident';
import {
  announceIncidentChange,
  openDeclaredIncident,
  publishUpdateToSlack,
  type SlackSyncDeps,
} from '../services/slack/sync-incident-to-slack';
import { threadUpdate } from '../services/slack/thread-update';
import { OUTBOX_PAYLOADS } from './outbox-topics';
import type { OutboxHandler } from './outbox-worker';

export const SLACK_TOPICS = [
  'slack.incident_declared',
  'slack.incident_announced',
  'slack.update_posted',
  'slack.change_announced',
  'slack.update_threaded',
] as const;

export function slackHandlers(deps: SlackSyncDeps): Record<(typeof SLACK_TOPICS)[number], OutboxHandler> {
  return {
    'slack.incident_declared': (payload, attempt) => {
      const { incidentId, announcedSeparately } = OUTBOX_PAYLOADS['slack.incident_declared'].parse(payload);
      return openDeclaredIncident(deps, incidentId, attempt, { queueAnnouncement: !announcedSeparately });
    },
    'slack.incident_announced': (payload, attempt) =>
      announceIncident(deps, OUTBOX_PAYLOADS['slack.incident_announced'].parse(payload).incidentId, attempt),
    'slack.update_posted': (payload, attempt) => {
      const { incidentId, updateId } = OUTBOX_PAYLOADS['slack.update_posted'].parse(payload);
      return publishUpdateToSlack(deps, incidentId, updateId, attempt);
    },
    'slack.update_threaded': (payload, attempt) => {
      const { incidentId, updateId } = OUTBOX_PAYLOADS['slack.update_threaded'].parse(payload);
      return threadUpdate(deps, incidentId, updateId, attempt);
    },
    'slack.change_announced': (payload, attempt) => {
      const { incidentId, timelineEventId } = OUTBOX_PAYLOADS['slack.change_announced'].parse(payload);
      return announceIncidentChange(deps, incidentId, timelineEventId, attempt);
    },
  };
}
