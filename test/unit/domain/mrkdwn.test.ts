import fc from 'fast-check';
import { escapeMrkdwn, SLACK_LIMITS, truncate, userMention } from '../../../src/domain/mrkdwn';

describe('escapeMrkdwn', () => {
  it.each([
    ['<!channel> & <@U123>', '&lt;!channel&gt; &amp; &lt;@U123&gt;'],
    ['&amp;', '&amp;amp;'],
    ['*bold* _it_ `code` ~x~', '*bold* _it_ `code` ~x~'],
    ['', ''],
  ])('%j → %j', (text, escaped) => {
    expect(escapeMrkdwn(text)).toBe(escaped);
  });

  it('never leaves a bracket, and round-trips through unescaping', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (a, b) => {
        const text = a + b;
        const escaped = escapeMrkdwn(text);
        expect(escaped).not.toMatch(/[<>]/);
        expect(escaped.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).toBe(text);
      }),
    );
  });
});

describe('truncate', () => {
  it.each<[string, number, string]>([
    ['hello', 5, 'hello'],
    ['hello!', 5, 'hell…'],
    ['hello', 1, '…'],
    ['hello', 0, ''],
    ['ab😀cd', 4, 'ab…'],
    ['ab😀cd', 5, 'ab😀…'],
    ['a &amp; b', 5, 'a …'],
    ['a &lt;b', 6, 'a …'],
    ['a &lt;b', 7, 'a &lt;b'],
    ['a & b c d', 5, 'a & …'],
  ])('%j to %i → %j', (text, max, cut) => {
    expect(truncate(text, max)).toBe(cut);
  });

  it('refuses a max that is not a whole number', () => {
    expect(() => truncate('x', -1)).toThrow(RangeError);
    expect(() => truncate('x', 1.5)).toThrow(RangeError);
    expect(() => truncate('x', Number.NaN)).toThrow(RangeError);
  });

  it('never exceeds max, never splits a pair, and keeps short text as is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 0, max: 60 }), (text, max) => {
        const cut = truncate(text, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        if (text.length <= max) expect(cut).toBe(text);
        else {
          expect(cut.endsWith('…') || max === 0).toBe(true);
          expect(text.startsWith(cut.slice(0, -1))).toBe(true);
          expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
        }
      }),
    );
  });
});

describe('userMention and limits', () => {
  it('formats a mention', () => {
    expect(userMention('U123')).toBe('<@U123>');
  });
  it('carries Slack limits', () => {
    expect(SLACK_LIMITS).toMatchObject({
      sectionText: 3000,
      headerText: 150,
      modalTitle: 24,
      blocksPerMessage: 50,
    });
  });
});
