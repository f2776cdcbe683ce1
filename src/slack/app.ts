import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { RequestListener } from 'node:http';
import type { Logger } from 'pino';
import type { SlackConfig } from '../config/config';
import type { SchemaGuard } from '../db/schema-guard';
import { boltLogger } from './bolt-logger';
import { registerActionItems } from './listeners/action-items';
import { registerCardActions } from './listeners/card-actions';
import { registerDeclareView } from './listeners/declare-view';
import { registerIncidentCommand } from './listeners/incident-command';
import { registerPostmortem } from './listeners/postmortem';
import { registerTimelineCapture } from './listeners/timeline-capture';
import { registerUpdateView } from './listeners/update-view';
import type { ListenerDeps } from './listener-deps';
import { answerUnknownRequests } from './middleware/answer-unknown';
import { requireSchemaReady } from './middleware/require-schema-ready';
import { trackListenerWork } from './middleware/track-listener-work';
import { answerUnfinished } from './unhandled-answers';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackApp {
  app: App;
  /** Set in HTTP mode: mount it on SLACK_EVENTS_PATH of our own server. */
  requestListener?: RequestListener;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Waits for listener work still running after its ack (at most timeoutMs). */
  finishListenerWork(timeoutMs: number): Promise<'settled' | 'timed out'>;
  /** Listeners running now, acked or not. */
  listenersInFlight(): number;
}

/**
 * One code path for both transports: HTTP requests verified with the signing secret, or
 * Socket Mode when an app-level token is configured. Listeners never know which.
 */
export function createSlackApp(deps: {
  slack: SlackConfig;
  guard: SchemaGuard;
  logger: Logger;
  listeners: ListenerDeps;
}): SlackApp {
  const { slack } = deps;
  const logger = boltLogger(deps.logger);
  const clientOptions = slack.apiUrl ? { slackApiUrl: slack.apiUrl } : undefined;
  let app: App;
  let start = async (): Promise<void> => undefined;
  let stop = async (): Promise<void> => undefined;
  let requestListener: RequestListener | undefined;

  if (slack.appToken) {
    const receiver = new SocketModeReceiver({
      appToken: slack.appToken,
      logger,
      // Bolt 5.1 hands the Socket Mode client's Web API settings over only through installerOptions.
      ...(clientOptions ? { installerOptions: { clientOptions } } : {}),
    });
    app = new App({ token: slack.botToken, receiver, logger, clientOptions });
    start = async () => {
      await receiver.start();
    };
    stop = () => receiver.stop();
  } else {
    const receiver = new HTTPReceiver({
      signingSecret: slack.signingSecret ?? '',
      endpoints: SLACK_EVENTS_PATH,
      logger,
      // Ack first, work after: listeners must answer within Slack's 3 s.
      processBeforeResponse: false,
      // A listener that failed or hangs (database restarting) leaves the user a plain "try
      // again" instead of Bolt's bare 500/404, which Slack shows as a generic error.
      processEventErrorHandler: async ({ error, request, response }) => {
        deps.logger.error({ err: error, component: 'bolt' }, 'Slack request failed before its answer');
        answerUnfinished(request, response);
        return false;
      },
      unhandledRequestHandler: ({ request, response }) => {
        deps.logger.warn({ component: 'bolt' }, 'Slack request not answered within 3 s');
        answerUnfinished(request, response);
      },
    });
    app = new App({ token: slack.botToken, receiver, logger, clientOptions });
    requestListener = receiver.requestListener;
  }

  const listenerWork = trackListenerWork();
  app.use(listenerWork.middleware);
  app.use(answerUnknownRequests());
  app.use(requireSchemaReady(deps.guard));
  registerIncidentCommand(app, deps.listeners);
  registerDeclareView(app, deps.listeners);
  registerUpdateView(app, deps.listeners);
  registerCardActions(app, deps.listeners);
  registerTimelineCapture(app, deps.listeners);
  registerPostmortem(app, deps.listeners);
  registerActionItems(app, deps.listeners);
  app.error(async (error) => {
    deps.logger.error({ err: error, component: 'bolt' }, 'Slack listener failed');
  });
  return {
    app,
    requestListener,
    start,
    stop,
    finishListenerWork: (timeoutMs) => listenerWork.settle(timeoutMs),
    listenersInFlight: () => listenerWork.inFlight(),
  };
}
