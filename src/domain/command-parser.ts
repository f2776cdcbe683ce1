import { truncate } from './mrkdwn';
import { INCIDENT_ROLES, parseRole, type IncidentRoleName } from './roles';
import { SEVERITIES, parseSeverity, type Severity } from './severity';
import { STAGES, parseStage, type Stage } from './stages';

export type ParsedCommand =
  | { kind: 'help' }
  | { kind: 'declare'; title: string }
  | { kind: 'update' }
  | { kind: 'status'; stage: Stage; message: string }
  | { kind: 'resolve'; message: string }
  | { kind: 'severity'; severity: Severity }
  | { kind: 'lead'; userId: string }
  | { kind: 'role'; role: IncidentRoleName; userId: string }
  | { kind: 'timeline' }
  | { kind: 'list' }
  | { kind: 'postmortem'; action: PostmortemAction }
  | { kind: 'stats'; days: number }
  | { kind: 'action'; verb: 'add'; title: string }
  | { kind: 'actions'; filter: 'default' | 'overdue' };

export const POSTMORTEM_ACTIONS = ['edit', 'publish', 'export'] as const;
export type PostmortemAction = (typeof POSTMORTEM_ACTIONS)[number];
/** `/incident stats` looks back this many days unless told otherwise, and at most MAX. */
export const STATS_DEFAULT_DAYS = 30;
export const STATS_MAX_DAYS = 365;

/**
 * `error` and `usage` are plain text that may quote what the user typed (and usage contains
 * `<…>` placeholders): escape them with escapeMrkdwn before sending them as mrkdwn.
 */
export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; error: string; usage: string };

type Kind = ParsedCommand['kind'];

export const COMMAND_USAGE: Record<Kind, string> = {
  declare: '/incident declare [title]',
  update: '/incident update',
  status: `/incident status <${STAGES.join('|')}> [message]`,
  resolve: '/incident resolve [message]',
  severity: `/incident severity <${SEVERITIES.map((s) => s.toLowerCase()).join('|')}>`,
  lead: '/incident lead <@user>',
  role: `/incident role <${INCIDENT_ROLES.join('|')}> <@user>`,
  timeline: '/incident timeline',
  list: '/incident list',
  postmortem: '/incident postmortem [edit|publish|export]',
  stats: '/incident stats [days]',
  action: '/incident action add [title]',
  actions: '/incident actions [overdue]',
  help: '/incident help',
};

/** Every subcommand's usage, one a line: the answer to `help` and to an unknown subcommand. */
export const FULL_USAGE = Object.values(COMMAND_USAGE).join('\n');

/** The U/W id in a Slack user mention as escaped commands send it: `<@U123>` or `<@U123|name>`. */
export function parseUserMention(word: string): string | undefined {
  return /^<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>$/.exec(word.trim())?.[1];
}

// Slack's own markup (`<@U1|some name>`) may contain spaces; it counts as one word. A literal '<'
// typed by a user arrives as `&lt;`, so a '<' without a matching '>' is just a character.
const WORD = /^(?:<[^<>]*>|[^\s<]|<)+/;

function nextWord(text: string): { word: string; rest: string } | undefined {
  const trimmed = text.trimStart();
  const word = WORD.exec(trimmed)?.[0];
  return word === undefined ? undefined : { word, rest: trimmed.slice(word.length).trim() };
}

function listOr(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

const quote = (word: string): string => `"${truncate(word, 30)}"`;
const ok = (command: ParsedCommand): ParseResult => ({ ok: true, command });
const fail = (kind: Kind, error: string): ParseResult => ({ ok: false, error, usage: COMMAND_USAGE[kind] });

// Errors that end in an example command have no full stop, so the example can be copied as is.
const EXAMPLE_LEAD = 'e.g. /incident lead @alex';
const STAGE_LIST = listOr(STAGES);
const SEVERITY_LIST = listOr(SEVERITIES);
const ROLE_LIST = listOr(INCIDENT_ROLES);

function noArguments(kind: 'update' | 'timeline' | 'list') {
  return (rest: string): ParseResult =>
    rest ? fail(kind, `/incident ${kind} takes no arguments.`) : ok({ kind });
}

function parseStatus(rest: string): ParseResult {
  const first = nextWord(rest);
  if (!first) return fail('status', `Say which stage: ${STAGE_LIST}.`);
  const stage = parseStage(first.word);
  if (!stage) return fail('status', `Unknown stage ${quote(first.word)}. Use ${STAGE_LIST}.`);
  return ok({ kind: 'status', stage, message: first.rest });
}

function parseSeverityCommand(rest: string): ParseResult {
  const first = nextWord(rest);
  if (!first) return fail('severity', `Say which severity: ${SEVERITY_LIST}.`);
  const severity = parseSeverity(first.word);
  if (!severity) return fail('severity', `Unknown severity ${quote(first.word)}. Use ${SEVERITY_LIST}.`);
  if (first.rest) return fail('severity', 'Give only the severity, e.g. /incident severity sev2');
  return ok({ kind: 'severity', severity });
}

function parseLead(rest: string): ParseResult {
  const first = nextWord(rest);
  const userId = first && parseUserMention(first.word);
  if (!first || !userId) return fail('lead', `Mention the new lead, ${EXAMPLE_LEAD}`);
  if (first.rest) return fail('lead', `Mention only one person as the new lead, ${EXAMPLE_LEAD}`);
  return ok({ kind: 'lead', userId });
}

function parseRoleCommand(rest: string): ParseResult {
  const first = nextWord(rest);
  if (!first) return fail('role', 'Say which role and who takes it, e.g. /incident role scribe @alex');
  const second = nextWord(first.rest);
  const firstIsPerson = parseUserMention(first.word) !== undefined;
  if (firstIsPerson && !second)
    return fail('role', `Say which role, e.g. /incident role scribe ${first.word}`);
  // "role @alex scribe" is an easy slip to make, and unambiguous, so it is accepted too.
  const swapped = firstIsPerson && second !== undefined;
  const [roleWord, personWord] = swapped ? [second.word, first.word] : [first.word, second?.word];
  const role = parseRole(roleWord);
  if (!role) return fail('role', `Unknown role ${quote(roleWord)}. Use ${ROLE_LIST}.`);
  const userId = personWord === undefined ? undefined : parseUserMention(personWord);
  if (!userId) return fail('role', `Mention who takes the role, e.g. /incident role ${role} @alex`);
  if (second?.rest) return fail('role', `Mention only one person, e.g. /incident role ${role} @alex`);
  return ok({ kind: 'role', role, userId });
}

function parsePostmortem(rest: string): ParseResult {
  const first = nextWord(rest);
  if (!first) return ok({ kind: 'postmortem', action: 'edit' });
  const action = POSTMORTEM_ACTIONS.find((a) => a === first.word.toLowerCase());
  if (!action)
    return fail(
      'postmortem',
      `Unknown postmortem action ${quote(first.word)}. Use ${listOr(POSTMORTEM_ACTIONS)}.`,
    );
  if (first.rest) return fail('postmortem', `/incident postmortem ${action} takes no further arguments.`);
  return ok({ kind: 'postmortem', action });
}

function parseStats(rest: string): ParseResult {
  const first = nextWord(rest);
  if (!first) return ok({ kind: 'stats', days: STATS_DEFAULT_DAYS });
  const days = /^\d{1,4}$/.test(first.word) ? Number(first.word) : Number.NaN;
  if (!(days >= 1 && days <= STATS_MAX_DAYS) || first.rest)
    return fail('stats', `Give a number of days from 1 to ${STATS_MAX_DAYS}, e.g. /incident stats 90`);
  return ok({ kind: 'stats', days });
}

function parseAction(rest: string): ParseResult {
  const first = nextWord(rest);
  if (!first || first.word.toLowerCase() !== 'add')
    return fail('action', 'Say what to do: /incident action add Fix the migration check');
  return ok({ kind: 'action', verb: 'add', title: first.rest });
}

function parseActions(rest: string): ParseResult {
  const first = nextWord(rest);
  if (!first) return ok({ kind: 'actions', filter: 'default' });
  if (first.word.toLowerCase() !== 'overdue')
    return fail('actions', `Unknown filter ${quote(first.word)}. Use overdue, or nothing.`);
  if (first.rest) return fail('actions', '/incident actions overdue takes nothing after it.');
  return ok({ kind: 'actions', filter: 'overdue' });
}

const HANDLERS: Record<Kind, (rest: string) => ParseResult> = {
  help: () => ok({ kind: 'help' }),
  declare: (rest) => ok({ kind: 'declare', title: rest }),
  update: noArguments('update'),
  status: parseStatus,
  resolve: (rest) => ok({ kind: 'resolve', message: rest }),
  severity: parseSeverityCommand,
  lead: parseLead,
  role: parseRoleCommand,
  timeline: noArguments('timeline'),
  list: noArguments('list'),
  postmortem: parsePostmortem,
  stats: parseStats,
  action: parseAction,
  actions: parseActions,
};

const isKind = (word: string): word is Kind => Object.hasOwn(HANDLERS, word);

/**
 * Parses the text after `/incident`. Slack sends it with should_escape=true, so mentions arrive as
 * `<@U123|name>` and the user's own `&`, `<`, `>` as entities; titles and messages are returned
 * exactly as received (trimmed), still in that escaped form.
 */
export function parseIncidentCommand(text: string): ParseResult {
  const first = nextWord(text);
  if (!first) return ok({ kind: 'help' });
  const subcommand = first.word.toLowerCase();
  if (!isKind(subcommand)) {
    return { ok: false, error: `Unknown subcommand ${quote(first.word)}.`, usage: FULL_USAGE };
  }
  return HANDLERS[subcommand](first.rest);
}
