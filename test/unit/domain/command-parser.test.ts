import fc from 'fast-check';
import {
  COMMAND_USAGE,
  FULL_USAGE,
  parseIncidentCommand,
  parseUserMention,
  type ParsedCommand,
} from '../../../src/domain/command-parser';

const SUBCOMMANDS = Object.keys(COMMAND_USAGE);

function parsed(text: string): ParsedCommand {
  const result = parseIncidentCommand(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got: ${result.error}`);
  return result.command;
}

function refused(text: string): { error: string; usage: string } {
  const result = parseIncidentCommand(text);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to be refused`);
  return { error: result.error, usage: result.usage };
}

describe('parseIncidentCommand: accepted', () => {
  it.each<[string, ParsedCommand]>([
    ['', { kind: 'help' }],
    ['   \t ', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['HELP me please', { kind: 'help' }],
    ['declare', { kind: 'declare', title: '' }],
    ['declare   Checkout  is down  ', { kind: 'declare', title: 'Checkout  is down' }],
    ['Declare API &lt;5xx&gt; for <@U1|ana>', { kind: 'declare', title: 'API &lt;5xx&gt; for <@U1|ana>' }],
    ['update', { kind: 'update' }],
    ['status identified', { kind: 'status', stage: 'identified', message: '' }],
    [
      'status MONITORING  fix deployed,\nwatching errors ',
      { kind: 'status', stage: 'monitoring', message: 'fix deployed,\nwatching errors' },
    ],
    ['resolve', { kind: 'resolve', message: '' }],
    ['resolve  all clear ', { kind: 'resolve', message: 'all clear' }],
    ['severity sev1', { kind: 'severity', severity: 'SEV1' }],
    ['severity SEV2', { kind: 'severity', severity: 'SEV2' }],
    ['severity 3', { kind: 'severity', severity: 'SEV3' }],
    ['lead <@U123ABC|alex>', { kind: 'lead', userId: 'U123ABC' }],
    ['lead <@W42>', { kind: 'lead', userId: 'W42' }],
    ['lead <@U9|alex smith>', { kind: 'lead', userId: 'U9' }],
    ['role scribe <@U123|sam>', { kind: 'role', role: 'scribe', userId: 'U123' }],
    ['role IC <@U7>', { kind: 'role', role: 'lead', userId: 'U7' }],
    ['role <@U7|kim> comms', { kind: 'role', role: 'comms', userId: 'U7' }],
    ['timeline', { kind: 'timeline' }],
    ['postmortem', { kind: 'postmortem', action: 'edit' }],
    ['postmortem PUBLISH', { kind: 'postmortem', action: 'publish' }],
    ['postmortem export', { kind: 'postmortem', action: 'export' }],
    ['stats', { kind: 'stats', days: 30 }],
    ['stats 7', { kind: 'stats', days: 7 }],
    ['stats 365', { kind: 'stats', days: 365 }],
    ['list', { kind: 'list' }],
    ['action add', { kind: 'action', verb: 'add', title: '' }],
    [
      'action ADD  Check the schema before serving ',
      { kind: 'action', verb: 'add', title: 'Check the schema before serving' },
    ],
    ['actions', { kind: 'actions', filter: 'default' }],
    ['Actions  OVERDUE ', { kind: 'actions', filter: 'overdue' }],
  ])('%j', (text, command) => {
    expect(parsed(text)).toEqual(command);
  });
});

describe('parseIncidentCommand: refused', () => {
  it.each<[string, RegExp | string, string]>([
    ['status', 'Say which stage: investigating, identified, monitoring or resolved.', COMMAND_USAGE.status],
    [
      'status fixed it',
      'Unknown stage "fixed". Use investigating, identified, monitoring or resolved.',
      COMMAND_USAGE.status,
    ],
    ['severity', 'Say which severity: SEV1, SEV2, SEV3 or SEV4.', COMMAND_USAGE.severity],
    ['severity sev5', 'Unknown severity "sev5". Use SEV1, SEV2, SEV3 or SEV4.', COMMAND_USAGE.severity],
    ['severity sev1 now', /only the severity/, COMMAND_USAGE.severity],
    ['lead', 'Mention the new lead, e.g. /incident lead @alex', COMMAND_USAGE.lead],
    ['lead alex', 'Mention the new lead, e.g. /incident lead @alex', COMMAND_USAGE.lead],
    [
      'postmortem send',
      'Unknown postmortem action "send". Use edit, publish or export.',
      COMMAND_USAGE.postmortem,
    ],
    [
      'postmortem export now',
      '/incident postmortem export takes no further arguments.',
      COMMAND_USAGE.postmortem,
    ],
    ['stats 0', 'Give a number of days from 1 to 365, e.g. /incident stats 90', COMMAND_USAGE.stats],
    ['stats 366', 'Give a number of days from 1 to 365, e.g. /incident stats 90', COMMAND_USAGE.stats],
    ['stats 7 days', 'Give a number of days from 1 to 365, e.g. /incident stats 90', COMMAND_USAGE.stats],
    ['lead <#C123|general>', 'Mention the new lead, e.g. /incident lead @alex', COMMAND_USAGE.lead],
    ['lead <@U1> <@U2>', /only one person/, COMMAND_USAGE.lead],
    ['role', /Say which role/, COMMAND_USAGE.role],
    ['role <@U1>', /Say which role/, COMMAND_USAGE.role],
    ['role boss <@U1>', 'Unknown role "boss". Use lead, comms, scribe or liaison.', COMMAND_USAGE.role],
    ['role scribe', 'Mention who takes the role, e.g. /incident role scribe @alex', COMMAND_USAGE.role],
    ['role scribe sam', 'Mention who takes the role, e.g. /incident role scribe @alex', COMMAND_USAGE.role],
    ['role scribe <@U1> <@U2>', /only one person/, COMMAND_USAGE.role],
    ['update now', '/incident update takes no arguments.', COMMAND_USAGE.update],
    ['timeline all', '/incident timeline takes no arguments.', COMMAND_USAGE.timeline],
    ['list open', '/incident list takes no arguments.', COMMAND_USAGE.list],
    ['deploy now', 'Unknown subcommand "deploy".', FULL_USAGE],
    ['<!channel>', 'Unknown subcommand "<!channel>".', FULL_USAGE],
  ])('%j', (text, error, usage) => {
    const result = refused(text);
    if (typeof error === 'string') expect(result.error).toBe(error);
    else expect(result.error).toMatch(error);
    expect(result.usage).toBe(usage);
  });

  it.each<[string, string, string]>([
    ['action', 'Say what to do: /incident action add Fix the migration check', COMMAND_USAGE.action],
    ['action remove x', 'Say what to do: /incident action add Fix the migration check', COMMAND_USAGE.action],
    ['actions mine', 'Unknown filter "mine". Use overdue, or nothing.', COMMAND_USAGE.actions],
    ['actions overdue now', '/incident actions overdue takes nothing after it.', COMMAND_USAGE.actions],
  ])('refuses action command %j', (text, error, usage) => {
    expect(refused(text)).toEqual({ error, usage });
  });

  it('round-trips an action item title, trimmed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (title) => {
        expect(parsed(`action add ${title}`)).toEqual({ kind: 'action', verb: 'add', title: title.trim() });
      }),
    );
  });

  it('cuts a long unknown word to 30 characters', () => {
    const { error } = refused(`${'x'.repeat(100)} y`);
    expect(error).toBe(`Unknown subcommand "${'x'.repeat(29)}…".`);
  });

  it('lists every subcommand in the full usage', () => {
    for (const usage of Object.values(COMMAND_USAGE)) expect(FULL_USAGE).toContain(usage);
    expect(COMMAND_USAGE.status).toBe(
      '/incident status <investigating|identified|monitoring|resolved> [message]',
    );
  });
});

describe('parseUserMention', () => {
  it.each([
    ['<@U123ABC>', 'U123ABC'],
    ['<@U123ABC|alex>', 'U123ABC'],
    [' <@W0TEAM|a b> ', 'W0TEAM'],
  ])('%j → %s', (word, id) => {
    expect(parseUserMention(word)).toBe(id);
  });
  it.each(['', '@alex', 'U123', '<@u123>', '<#C123|general>', '<!channel>', '<@U1', '<@U1>x', '<@>'])(
    'refuses %j',
    (word) => {
      expect(parseUserMention(word)).toBeUndefined();
    },
  );
});

describe('parseIncidentCommand: properties', () => {
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.tuple(fc.constantFrom(...SUBCOMMANDS), fc.string()).map(([sub, rest]) => `${sub} ${rest}`),
    fc
      .array(
        fc.constantFrom(
          'lead',
          'role',
          'scribe',
          'status',
          'sev2',
          '<@U1|a b>',
          '<@W2>',
          '<',
          '>',
          ' ',
          '\n',
        ),
      )
      .map((words) => words.join(' ')),
  );

  it('never throws and always answers a command or an error with usage', () => {
    fc.assert(
      fc.property(text, (input) => {
        const result = parseIncidentCommand(input);
        if (!result.ok) {
          expect(result.error.length).toBeGreaterThan(0);
          expect(result.usage.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('refuses any text whose first word is not a subcommand', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: 'binary' }), fc.string(), (first, rest) => {
        const word = first.trim().split(/\s+/)[0] ?? '';
        fc.pre(word !== '' && !SUBCOMMANDS.includes(word.toLowerCase()));
        const result = parseIncidentCommand(`${first} ${rest}`);
        expect(result).toMatchObject({ ok: false, usage: FULL_USAGE });
      }),
    );
  });

  it('round-trips a declared title, trimmed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.constantFrom(' ', '  ', '\t', '\n'), (title, gap) => {
        expect(parsed(`declare${gap}${title}`)).toEqual({ kind: 'declare', title: title.trim() });
      }),
    );
  });

  it('parses a subcommand the same in any case', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SUBCOMMANDS).chain((sub) => fc.mixedCase(fc.constant(sub))),
        fc.string(),
        (sub, rest) => {
          expect(parseIncidentCommand(`${sub} ${rest}`)).toEqual(
            parseIncidentCommand(`${sub.toLowerCase()} ${rest}`),
          );
        },
      ),
    );
  });
});
