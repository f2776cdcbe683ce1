import fc from 'fast-check';
import { describeLineErrors, parseActionItemLines, parseOwner } from '../../../src/domain/action-item-lines';

const TODAY = '2026-02-20';

describe('parseOwner', () => {
  it.each([
    ['<@U0ALEX>', 'U0ALEX'],
    ['<@U0ALEX|alex>', 'U0ALEX'],
    ['<@W0ALEX|Alex Smith>', 'W0ALEX'],
    ['@U0ALEX', 'U0ALEX'],
    [' U0ALEX ', 'U0ALEX'],
    ['@alex', undefined],
    ['<#C0CHAN>', undefined],
    ['', undefined],
  ])('%j → %j', (text, id) => {
    expect(parseOwner(text)).toBe(id);
  });
});

describe('parseActionItemLines', () => {
  it('reads the seed report’s action items, one a line, skipping blank lines', () => {
    const text = [
      'Full Automation of Database Migrations | <@U0DBA> | 2026-03-15 | high',
      '',
      'Functional Automation and Monitoring | <@U0QA|qa lead> | 2026-03-31 | medium',
      '  Strengthened Deployment Checkpoints | @U0OPS  ',
    ].join('\n');
    expect(parseActionItemLines(text, TODAY)).toEqual({
      ok: true,
      items: [
        {
          line: 1,
          title: 'Full Automation of Database Migrations',
          ownerId: 'U0DBA',
          dueDate: '2026-03-15',
          priority: 'high',
        },
        {
          line: 3,
          title: 'Functional Automation and Monitoring',
          ownerId: 'U0QA',
          dueDate: '2026-03-31',
          priority: 'medium',
        },
        {
          line: 4,
          title: 'Strengthened Deployment Checkpoints',
          ownerId: 'U0OPS',
          dueDate: null,
          priority: 'medium',
        },
      ],
    });
  });

  it('accepts today as a due date and any case of the priority', () => {
    expect(parseActionItemLines(`Fix it | <@U1AB> | ${TODAY} | HIGH`, TODAY)).toMatchObject({
      ok: true,
      items: [{ dueDate: TODAY, priority: 'high' }],
    });
  });

  it('reports every bad line with its number and what to do', () => {
    const text = [
      'Good one | <@U0OK> | 2026-03-01 | low',
      'No owner',
      'Bad owner | @alex',
      'Bad date | <@U0OK> | 2026-02-30',
      'Past | <@U0OK> | 2026-02-19',
      'Odd priority | <@U0OK> | 2026-03-01 | urgent',
      ' | <@U0OK>',
      'a | <@U0OK> | 2026-03-01 | low | extra',
    ].join('\n');
    const result = parseActionItemLines(text, TODAY);
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 2, error: 'say who owns "No owner": add | @owner' },
        { line: 3, error: '"@alex" is not a Slack user; mention them as @name or give their U… id' },
        { line: 4, error: '"2026-02-30" is not a date; write YYYY-MM-DD, e.g. 2026-03-01' },
        { line: 5, error: 'the due date 2026-02-19 is in the past (today is 2026-02-20)' },
        { line: 6, error: 'unknown priority "urgent"; use high, medium or low' },
        { line: 7, error: 'the title is missing; write title | @owner | YYYY-MM-DD | high|medium|low' },
        {
          line: 8,
          error: 'too many "|"-separated parts; write title | @owner | YYYY-MM-DD | high|medium|low',
        },
      ],
    });
    expect(describeLineErrors(result.ok ? [] : result.errors.slice(0, 2))).toBe(
      'Line 2: say who owns "No owner": add | @owner. Line 3: "@alex" is not a Slack user; mention them as @name or give their U… id.',
    );
  });

  it('never throws, and every non-blank line is either an item or an error, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 60 }), { maxLength: 8 }), (lines) => {
        const text = lines.map((l) => l.replace(/[\r\n]/g, ' ')).join('\n');
        const result = parseActionItemLines(text, TODAY);
        const nonBlank = text.split('\n').flatMap((l, i) => (l.trim() ? [i + 1] : []));
        const seen = result.ok ? result.items.map((i) => i.line) : result.errors.map((e) => e.line);
        if (result.ok) expect(seen).toEqual(nonBlank);
        else expect(nonBlank).toEqual(expect.arrayContaining(seen));
      }),
    );
  });

  it('round-trips well-formed lines', () => {
    const id = fc.stringMatching(/^U[A-Z0-9]{2,10}$/);
    const title = fc
      .stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,.()-]{0,80}$/)
      .map((t) => t.trim())
      .filter(Boolean);
    const day = fc.date({
      min: new Date('2026-02-20T00:00:00Z'),
      max: new Date('2030-12-31T00:00:00Z'),
      noInvalidDate: true,
    });
    const priority = fc.constantFrom('high', 'medium', 'low' as const);
    fc.assert(
      fc.property(fc.array(fc.tuple(title, id, day, priority), { minLength: 1, maxLength: 5 }), (rows) => {
        const text = rows
          .map(([t, owner, d, p]) => `${t} | <@${owner}> | ${d.toISOString().slice(0, 10)} | ${p}`)
          .join('\n');
        const result = parseActionItemLines(text, TODAY);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.items.map((i) => [i.title, i.ownerId, i.dueDate, i.priority])).toEqual(
          rows.map(([t, owner, d, p]) => [t, owner, d.toISOString().slice(0, 10), p]),
        );
      }),
    );
  });
});
