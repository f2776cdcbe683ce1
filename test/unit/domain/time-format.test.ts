import {
  formatDuration,
  formatFull,
  formatPosted,
  isValidTimeZone,
  slackDate,
} from '../../../src/domain/time-format';

const LA = 'America/Los_Angeles';

describe('formatPosted', () => {
  it.each([
    // The seed status page: "Resolved … Posted Feb 13, 2026 - 02:21 PST", "Monitoring … 02:10 PST".
    ['2026-02-13T10:21:00Z', LA, 'Feb 13, 2026 - 02:21 PST'],
    ['2026-02-13T10:10:00Z', LA, 'Feb 13, 2026 - 02:10 PST'],
    ['2026-02-20T19:06:00Z', LA, 'Feb 20, 2026 - 11:06 PST'],
    ['2026-07-04T16:05:00Z', LA, 'Jul 4, 2026 - 09:05 PDT'],
    // Spring forward, 8 March 2026 at 02:00 local: one minute apart, an hour apart on the clock.
    ['2026-03-08T09:59:00Z', LA, 'Mar 8, 2026 - 01:59 PST'],
    ['2026-03-08T10:00:00Z', LA, 'Mar 8, 2026 - 03:00 PDT'],
    // Fall back, 1 November 2026: 01:30 happens twice, told apart by the zone.
    ['2026-11-01T08:30:00Z', LA, 'Nov 1, 2026 - 01:30 PDT'],
    ['2026-11-01T09:30:00Z', LA, 'Nov 1, 2026 - 01:30 PST'],
    ['2026-02-13T10:21:00Z', 'UTC', 'Feb 13, 2026 - 10:21 UTC'],
    ['2026-02-13T10:21:00Z', 'Asia/Kolkata', 'Feb 13, 2026 - 15:51 GMT+5:30'],
  ])('%s in %s → %s', (iso, zone, text) => {
    expect(formatPosted(new Date(iso), zone)).toBe(text);
  });

  it('refuses an unknown zone or an invalid date', () => {
    expect(() => formatPosted(new Date('2026-02-13T10:21:00Z'), 'Mars/Olympus')).toThrow(RangeError);
    expect(() => formatPosted(new Date('nope'), LA)).toThrow(RangeError);
  });
});

describe('formatFull', () => {
  it.each([
    ['2026-02-13T07:15:00Z', LA, 'Thu, Feb 12, 2026 23:15 PST'],
    ['2026-02-13T07:15:00Z', 'Europe/London', 'Fri, Feb 13, 2026 07:15 GMT'],
    ['2026-06-01T07:15:00Z', 'Europe/London', 'Mon, Jun 1, 2026 08:15 GMT+1'],
  ])('%s in %s → %s', (iso, zone, text) => {
    expect(formatFull(new Date(iso), zone)).toBe(text);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    [LA, true],
    ['UTC', true],
    ['Europe/Berlin', true],
    ['', false],
    ['PST8PDT/Nowhere', false],
  ])('%j → %s', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});

describe('slackDate', () => {
  it('lets Slack render the date in each reader’s zone, with an escaped fallback', () => {
    expect(slackDate(new Date('2026-02-13T10:21:00.900Z'), 'Feb 13 <!here> & co')).toBe(
      '<!date^1770978060^{date_short_pretty} {time}|Feb 13 &lt;!here&gt; &amp; co>',
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0m'],
    [59_999, '0m'],
    [-5_000, '0m'],
    [60_000, '1m'],
    [45 * 60_000, '45m'],
    [3 * 3_600_000, '3h'],
    [3.5 * 3_600_000, '3h 30m'],
    [(2 * 24 + 1) * 3_600_000 + 59 * 60_000, '2d 1h'],
    [2 * 24 * 3_600_000 + 5 * 60_000, '2d'],
    // The seed incident: Feb 12, 11:30 PM PST to Feb 13, 2:21 AM PST.
    [Date.parse('2026-02-13T10:21:00Z') - Date.parse('2026-02-13T07:30:00Z'), '2h 51m'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('refuses a non-finite duration', () => {
    expect(() => formatDuration(Number.NaN)).toThrow(RangeError);
    expect(() => formatDuration(Infinity)).toThrow(RangeError);
  });
});
