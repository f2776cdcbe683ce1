import fc from 'fast-check';
import { incidentChannelName, isValidChannelName, MAX_CHANNEL_NAME } from '../../../src/domain/channel-name';

describe('incidentChannelName', () => {
  it.each([
    [42, 'Checkout is DOWN!', 'inc-42-checkout-is-down'],
    [7, 'Café réseau — Zürich', 'inc-7-cafe-reseau-zurich'],
    [7, 'ﬁle ℌost İstanbul', 'inc-7-file-host-istanbul'],
    [3, '  --API 5xx__ on /v2/orders--  ', 'inc-3-api-5xx-on-v2-orders'],
    [3, '<!channel> &amp; friends', 'inc-3-channel-amp-friends'],
    [9, '', 'inc-9'],
    [9, '🔥🔥🔥', 'inc-9'],
    [9, '数据库故障', 'inc-9'],
  ])('%i %j → %s', (n, title, name) => {
    expect(incidentChannelName(n, title)).toBe(name);
  });

  it('appends the attempt after name_taken', () => {
    expect(incidentChannelName(42, 'Checkout down', 1)).toBe('inc-42-checkout-down-2');
    expect(incidentChannelName(42, 'Checkout down', 9)).toBe('inc-42-checkout-down-10');
    expect(incidentChannelName(9, '', 2)).toBe('inc-9-3');
  });

  it('cuts a long title to 80 characters without a trailing hyphen', () => {
    const name = incidentChannelName(1234, 'word '.repeat(40));
    expect(name.length).toBeLessThanOrEqual(MAX_CHANNEL_NAME);
    expect(name).toBe(`inc-1234-${'word-'.repeat(14)}w`);
    expect(incidentChannelName(1234, 'word '.repeat(40), 12)).toBe(`inc-1234-${'word-'.repeat(13)}wor-13`);
    // Here the cut lands just after a hyphen, which goes with it: 79 characters, not 80.
    expect(incidentChannelName(12345, 'word '.repeat(40))).toBe(`inc-12345-${'word-'.repeat(13)}word`);
  });

  it('does not retry with the name Slack just refused', () => {
    // 72 letters then " 2": the first name fits exactly, and the naive retry cut is the same name.
    const title = `${'a'.repeat(72)} 2`;
    const first = incidentChannelName(1, title);
    expect(first).toBe(`inc-1-${'a'.repeat(72)}-2`);
    expect(incidentChannelName(1, title, 1)).not.toBe(first);
    const dashed = `${'a'.repeat(71)} 2 x`;
    expect(incidentChannelName(1, dashed, 1)).not.toBe(incidentChannelName(1, dashed));
  });

  it('refuses numbers that cannot name a channel', () => {
    expect(() => incidentChannelName(1.5, 'x')).toThrow(RangeError);
    expect(() => incidentChannelName(-1, 'x')).toThrow(RangeError);
    expect(() => incidentChannelName(1, 'x', -1)).toThrow(RangeError);
  });

  it('always gives a valid, distinct name per attempt', () => {
    const title = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme', maxLength: 120 }),
      fc.array(fc.constantFrom('a', 'b', ' ', '-', '2', 'é', '_'), { maxLength: 100 }).map((c) => c.join('')),
    );
    fc.assert(
      fc.property(
        title,
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        (t, n, a, b) => {
          const name = incidentChannelName(n, t, a);
          expect(isValidChannelName(name)).toBe(true);
          expect(name).toMatch(new RegExp(`^inc-${n}(-|$)`));
          expect(name).not.toMatch(/[-_]$/);
          if (a !== b) expect(incidentChannelName(n, t, b)).not.toBe(name);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('isValidChannelName', () => {
  it.each(['a', 'inc-1', 'inc_1-x', 'x'.repeat(80)])('accepts %j', (name) => {
    expect(isValidChannelName(name)).toBe(true);
  });
  it.each(['', 'Inc-1', 'inc 1', 'inc.1', 'café', 'x'.repeat(81), '#inc-1'])('refuses %j', (name) => {
    expect(isValidChannelName(name)).toBe(false);
  });
});
