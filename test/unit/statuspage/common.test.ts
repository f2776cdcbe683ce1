import {
  affectedChanges,
  componentLabel,
  componentSections,
  groupIds,
  joinList,
  worstStatus,
} from '../../../src/statuspage/render/common';
import { component, openIncident, update } from './support';

describe('joinList', () => {
  it.each([
    [[], ''],
    [['A'], 'A'],
    [['A', 'B'], 'A and B'],
    [['A', 'B', 'C'], 'A, B, and C'],
    [['A', 'B', 'C', 'D'], 'A, B, C, and D'],
  ])('%j → %s', (items, text) => {
    expect(joinList(items)).toBe(text);
  });
});

describe('componentLabel', () => {
  it('is "Name (Group)" when grouped', () => {
    expect(componentLabel({ name: 'SEI', group: 'Prod 2' })).toBe('SEI (Prod 2)');
    expect(componentLabel({ name: 'SEI', group: null })).toBe('SEI');
  });
});

describe('worstStatus', () => {
  it('ranks maintenance below any degradation', () => {
    expect(worstStatus([])).toBe('operational');
    expect(worstStatus(['under_maintenance', 'operational'])).toBe('under_maintenance');
    expect(worstStatus(['under_maintenance', 'degraded_performance'])).toBe('degraded_performance');
    expect(worstStatus(['partial_outage', 'major_outage', 'degraded_performance'])).toBe('major_outage');
  });
});

describe('componentSections', () => {
  it('orders by position and places each group at its first member', () => {
    const sections = componentSections([
      component({ id: 'b2', group: 'B', position: 5 }),
      component({ id: 'a', position: 2 }),
      component({ id: 'b1', group: 'B', position: 1 }),
      component({ id: 'c', group: 'C', position: 3 }),
    ]);
    expect(sections.map((s) => [s.group, s.components.map((c) => c.id)])).toEqual([
      ['B', ['b1', 'b2']],
      [null, ['a']],
      ['C', ['c']],
    ]);
  });
});

describe('groupIds', () => {
  it('is stable and derived from the name', () => {
    expect(groupIds(['Prod Eu1', 'Prod 2', 'Prod Eu1'])).toEqual(
      new Map([
        ['Prod Eu1', 'group-prod-eu1'],
        ['Prod 2', 'group-prod-2'],
      ]),
    );
  });
});

describe('affectedChanges', () => {
  it('takes the old status from the previous update touching the component, whatever the input order', () => {
    const c = component({ id: 'c', name: 'API', group: 'EU' });
    const incident = openIncident('x', 'major', {
      updates: [
        update('u2', 'identified', '2026-03-01T13:00:00Z', '', [{ component: c, newStatus: 'major_outage' }]),
        update('u3', 'resolved', '2026-03-01T14:00:00Z', '', [{ component: c, newStatus: 'operational' }]),
        update('u1', 'investigating', '2026-03-01T12:00:00Z', '', [
          { component: c, newStatus: 'degraded_performance' },
        ]),
      ],
    });
    const changes = affectedChanges(incident);
    expect(
      ['u1', 'u2', 'u3'].map((id) =>
        changes.get(id)?.map((a) => `${a.name}: ${a.old_status}→${a.new_status}`),
      ),
    ).toEqual([
      ['API (EU): operational→degraded_performance'],
      ['API (EU): degraded_performance→major_outage'],
      ['API (EU): major_outage→operational'],
    ]);
  });
});
