/*
 * Checks that need more than one variable, or a value parsed further than its schema does. Each
 * problem reads like a schema error: the variable's name, what was expected, what was found.
 */
import { ComponentMapError, parseComponentMap } from '../statuspage/atlassian/map-update';
import { z } from 'zod';
import type { Environment } from './environment';
import type { VariableName } from './variables';

export function checkDatabasePool(parsed: Environment): string[] {
  const min = parsed.DATABASE_POOL_MIN;
  if (min === undefined || min <= parsed.DATABASE_POOL_SIZE) return [];
  return [
    `DATABASE_POOL_MIN: expected at most DATABASE_POOL_SIZE (${parsed.DATABASE_POOL_SIZE}); got ${min}`,
  ];
}

export function checkStatuspageVariables(parsed: Environment): {
  problems: string[];
  componentMap: Record<string, string>;
} {
  const problems: string[] = [];
  if (Boolean(parsed.STATUSPAGE_API_KEY) !== Boolean(parsed.STATUSPAGE_PAGE_ID)) {
    const missing = parsed.STATUSPAGE_API_KEY ? 'STATUSPAGE_PAGE_ID' : 'STATUSPAGE_API_KEY';
    problems.push(`${missing}: expected it because the other STATUSPAGE_ variable is set; it is not set`);
  }
  let componentMap: Record<string, string> = {};
  if (parsed.STATUSPAGE_COMPONENT_MAP) {
    try {
      componentMap = parseComponentMap(parsed.STATUSPAGE_COMPONENT_MAP);
    } catch (error) {
      const details =
        error instanceof ComponentMapError ? error.problems.join('; ') : (error as Error).message;
      problems.push(
        `STATUSPAGE_COMPONENT_MAP: expected JSON like {"Software Engineering Insights (SEI) / Prod Eu1": "abc123"}; ${details}`,
      );
    }
  }
  return { problems, componentMap };
}

const userMapSchema = z.record(z.string().regex(/^[UW][A-Z0-9]+$/), z.string().min(1).max(80));

export function checkUserMaps(parsed: Environment): {
  problems: string[];
  managers: Record<string, string>;
  teams: Record<string, string>;
} {
  const problems: string[] = [];
  const read = (name: 'ACTION_ITEM_MANAGERS' | 'ACTION_ITEM_TEAMS', example: string) => {
    const raw = parsed[name];
    if (!raw) return {};
    try {
      const map = userMapSchema.safeParse(JSON.parse(raw));
      if (map.success) return map.data;
    } catch {
      // reported below
    }
    problems.push(
      `${name}: expected a JSON object from Slack user ids to ${example}; got a value that is not one`,
    );
    return {};
  };
  const managers = read('ACTION_ITEM_MANAGERS', 'user ids, like {"U0OWNER": "U0BOSS"}');
  const teams = read('ACTION_ITEM_TEAMS', 'team names, like {"U0OWNER": "Payments"}');
  return { problems, managers, teams };
}

export function checkSlackVariables(parsed: Environment): { problems: string[]; missing: VariableName[] } {
  const problems: string[] = [];
  const hasToken = Boolean(parsed.SLACK_BOT_TOKEN);
  const hasTransport = Boolean(parsed.SLACK_SIGNING_SECRET || parsed.SLACK_APP_TOKEN);
  if (hasToken && !hasTransport) {
    problems.push(
      'SLACK_SIGNING_SECRET: expected it (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) because SLACK_BOT_TOKEN is set; it is not set',
    );
  }
  if (!hasToken && hasTransport) {
    problems.push(
      'SLACK_BOT_TOKEN: expected a bot token starting with xoxb- because other SLACK_ variables are set; it is not set',
    );
  }
  const missing: VariableName[] = [];
  if (!hasToken) missing.push('SLACK_BOT_TOKEN');
  if (!hasTransport) missing.push('SLACK_SIGNING_SECRET');
  return { problems, missing };
}
