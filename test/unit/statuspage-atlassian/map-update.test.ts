import {
  ComponentMapError,
  componentMapKey,
  MAX_BODY_CHARS,
  MAX_NAME_CHARS,
  parseComponentMap,
  toStatuspageIncident,
  type IncidentUpdateSource,
} from '../../../src/statuspage/atlassian/map-update';

const componentMap = {
  'Prod Eu1 / Software Engineering Insights (SEI)': 'sei0eu1',
  'Prod Us1 / Software Engineering Insights (SEI)': 'sei0us1',
  'Prod Eu1 / API': 'api0eu1',
  Billing: 'billing01',
};

function source(overrides: Partial<IncidentUpdateSource> = {}): IncidentUpdateSource {
  return {
    title: 'Slow dashboards',
    stage: 'investigating',
    body: 'We are looking into it.',
    componentImpacts: [],
    componentMap,
    notify: true,
    ...overrides,
  };
}

describe('toStatuspageIncident', () => {
  it('maps title, stage, body, impact and notify to the client input', () => {
    const { input, unmapped } = toStatuspageIncident(source({ impact: 'major', notify: false }));
    expect(input).toEqual({
      name: 'Slow dashboards',
      status: 'investigating',
      body: 'We are looking into it.',
      impactOverride: 'major',
      componentStatuses: {},
      deliverNotifications: false,
    });
    expect(unmapped).toEqual([]);
  });

  it('leaves impactOverride out when no impact is given', () => {
    expect(toStatuspageIncident(source()).input).not.toHaveProperty('impactOverride');
  });

  it.each([
    ['investigating', 'investigating'],
    ['identified', 'identified'],
    ['monitoring', 'monitoring'],
    ['resolved', 'resolved'],
    ['RESOLVED', 'resolved'],
    ['IDENTIFIED', 'identified'],
  ] as const)('stage %s becomes status %s', (stage, status) => {
    expect(toStatuspageIncident(source({ stage })).input.status).toBe(status);
  });

  it('rejects an unknown stage', () => {
    expect(() => toStatuspageIncident(source({ stage: 'closed' as never }))).toThrow(
      'Unknown incident stage "closed"',
    );
  });

  it.each([
    ['OPERATIONAL', 'operational'],
    ['DEGRADED_PERFORMANCE', 'degraded_performance'],
    ['PARTIAL_OUTAGE', 'partial_outage'],
    ['MAJOR_OUTAGE', 'major_outage'],
  ] as const)('component impact %s becomes %s', (impact, status) => {
    const { input } = toStatuspageIncident(
      source({ componentImpacts: [{ componentName: 'API', group: 'Prod Eu1', impact }] }),
    );
    expect(input.componentStatuses).toEqual({ api0eu1: status });
  });

  it('looks grouped components up as "<Group> / <Component>" and ungrouped ones by name', () => {
    const { input, unmapped } = toStatuspageIncident(
      source({
        componentImpacts: [
          { componentName: 'Software Engineering Insights (SEI)', group: 'Prod Us1', impact: 'MAJOR_OUTAGE' },
          { componentName: 'Billing', group: null, impact: 'DEGRADED_PERFORMANCE' },
          {
            componentName: 'Software Engineering Insights (SEI)',
            group: 'Prod Eu1',
            impact: 'PARTIAL_OUTAGE',
          },
        ],
      }),
    );
    expect(input.componentStatuses).toEqual({
      sei0us1: 'major_outage',
      billing01: 'degraded_performance',
      sei0eu1: 'partial_outage',
    });
    expect(Object.keys(input.componentStatuses)).toEqual(['sei0us1', 'billing01', 'sei0eu1']);
    expect(unmapped).toEqual([]);
  });

  it('skips components missing from the map and reports them once, by key', () => {
    const { input, unmapped } = toStatuspageIncident(
      source({
        componentImpacts: [
          { componentName: 'Search', group: 'Prod Eu1', impact: 'MAJOR_OUTAGE' },
          { componentName: 'API', group: 'Prod Eu1', impact: 'PARTIAL_OUTAGE' },
          { componentName: 'Search', group: 'Prod Eu1', impact: 'MAJOR_OUTAGE' },
          { componentName: 'Wiki', impact: 'OPERATIONAL' },
        ],
      }),
    );
    expect(input.componentStatuses).toEqual({ api0eu1: 'partial_outage' });
    expect(unmapped).toEqual(['Prod Eu1 / Search', 'Wiki']);
  });

  it('does not fall back from a grouped component to its bare name, nor match case-insensitively', () => {
    const { unmapped } = toStatuspageIncident(
      source({
        componentImpacts: [
          { componentName: 'Billing', group: 'Prod Eu1', impact: 'MAJOR_OUTAGE' },
          { componentName: 'api', group: 'Prod Eu1', impact: 'MAJOR_OUTAGE' },
        ],
      }),
    );
    expect(unmapped).toEqual(['Prod Eu1 / Billing', 'Prod Eu1 / api']);
  });

  it('ignores inherited object keys such as "constructor"', () => {
    const { unmapped } = toStatuspageIncident(
      source({ componentImpacts: [{ componentName: 'constructor', impact: 'MAJOR_OUTAGE' }] }),
    );
    expect(unmapped).toEqual(['constructor']);
  });

  it('keeps the worse status when two components map to one Statuspage component', () => {
    const { input } = toStatuspageIncident(
      source({
        componentMap: { 'A / X': 'shared', 'B / X': 'shared' },
        componentImpacts: [
          { componentName: 'X', group: 'A', impact: 'MAJOR_OUTAGE' },
          { componentName: 'X', group: 'B', impact: 'DEGRADED_PERFORMANCE' },
        ],
      }),
    );
    expect(input.componentStatuses).toEqual({ shared: 'major_outage' });
  });

  it("truncates the name and body to Statuspage's limits", () => {
    const { input } = toStatuspageIncident(source({ title: 'n'.repeat(300), body: 'b'.repeat(30_000) }));
    expect(input.name).toHaveLength(MAX_NAME_CHARS);
    expect(input.name.endsWith('…')).toBe(true);
    expect(input.body).toHaveLength(MAX_BODY_CHARS);
  });
});

describe('componentMapKey', () => {
  it('joins group and component with " / ", and uses the bare name without a group', () => {
    expect(componentMapKey('API', 'Prod Eu1')).toBe('Prod Eu1 / API');
    expect(componentMapKey('API', null)).toBe('API');
    expect(componentMapKey('API', '')).toBe('API');
    expect(componentMapKey('API')).toBe('API');
  });
});

describe('parseComponentMap', () => {
  it('accepts an object of keys to component ids, and an empty object', () => {
    expect(parseComponentMap('{"Prod Eu1 / API": "8kbf7d35c070", "CI/CD": "x_1-2"}')).toEqual({
      'Prod Eu1 / API': '8kbf7d35c070',
      'CI/CD': 'x_1-2',
    });
    expect(parseComponentMap('{}')).toEqual({});
  });

  it.each([
    ['{"a": ', /not valid JSON/],
    ['', /not valid JSON/],
    ['[]', /expected a JSON object .* got an array/],
    ['"x"', /expected a JSON object .* got "x"/],
    ['null', /expected a JSON object .* got null/],
    [
      '{"Prod Eu1 / API": 42}',
      /"Prod Eu1 \/ API": expected a Statuspage component id \(a string\), got number 42/,
    ],
    [
      '{"Billing": "has space"}',
      /"Billing": expected a Statuspage component id \(letters and digits\), got "has space"/,
    ],
    ['{"Billing": ""}', /"Billing": expected a Statuspage component id/],
    ['{"Billing": {"id": "x"}}', /"Billing": .* got an object/],
    ['{"": "x"}', /a key is empty/],
    ['{" Billing": "x"}', /" Billing": remove the spaces around the key/],
    ['{"Prod Eu1 /  API": "x"}', /"Prod Eu1 \/ {2}API": expected "<Group> \/ <Component>"/],
  ])('rejects %s', (json, message) => {
    expect(() => parseComponentMap(json)).toThrow(ComponentMapError);
    expect(() => parseComponentMap(json)).toThrow(message);
  });

  it('names every offending key', () => {
    try {
      parseComponentMap('{"A": 1, "B": "ok", "C": null}');
      throw new Error('expected a ComponentMapError');
    } catch (error) {
      expect(error).toBeInstanceOf(ComponentMapError);
      expect((error as ComponentMapError).problems).toEqual([
        '"A": expected a Statuspage component id (a string), got number 1',
        '"C": expected a Statuspage component id (a string), got null',
      ]);
      expect((error as Error).message).toMatch(/^Statuspage component map: /);
    }
  });
});
