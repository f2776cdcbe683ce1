import { INCIDENT_ROLES, parseRole, ROLE_LABELS } from '../../../src/domain/roles';

describe('roles', () => {
  it('labels every role', () => {
    expect(ROLE_LABELS).toEqual({
      lead: 'Incident lead',
      comms: 'Communications lead',
      scribe: 'Scribe',
      liaison: 'Customer liaison',
    });
  });
  it.each(INCIDENT_ROLES)('parses %s in any case, trimmed', (role) => {
    expect(parseRole(role)).toBe(role);
    expect(parseRole(` ${role.toUpperCase()} `)).toBe(role);
  });
  it.each(['commander', 'IC', ' Commander '])('parses %j as lead', (word) => {
    expect(parseRole(word)).toBe('lead');
  });
  it.each(['', 'boss', 'incident lead', 'constructor', '__proto__', 'toString'])('refuses %j', (word) => {
    expect(parseRole(word)).toBeUndefined();
  });
});
