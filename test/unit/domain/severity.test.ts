import { parseSeverity, SEVERITIES, SEVERITY_INFO } from '../../../src/domain/severity';
import { SLACK_LIMITS } from '../../../src/domain/mrkdwn';

describe('SEVERITY_INFO', () => {
  it.each(SEVERITIES)('%s has a label and a description that fit a Slack option', (severity) => {
    const { label, description } = SEVERITY_INFO[severity];
    expect(label).toContain(severity);
    expect(description.length).toBeGreaterThan(0);
    expect(description.length).toBeLessThanOrEqual(SLACK_LIMITS.optionText);
    expect(label.length).toBeLessThanOrEqual(SLACK_LIMITS.optionText);
  });
});

describe('parseSeverity', () => {
  it.each([
    ['sev1', 'SEV1'],
    ['SEV2', 'SEV2'],
    ['Sev3', 'SEV3'],
    ['4', 'SEV4'],
    ['  sev1\n', 'SEV1'],
    [' 2 ', 'SEV2'],
  ])('parses %j as %s', (word, severity) => {
    expect(parseSeverity(word)).toBe(severity);
  });
  it.each(['', 'sev', 'sev0', 'sev5', '5', '0', 'sev 1', 'sev-1', 'sev01', 'sev1x', 'critical', '１'])(
    'refuses %j',
    (word) => {
      expect(parseSeverity(word)).toBeUndefined();
    },
  );
});
