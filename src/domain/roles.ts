export const INCIDENT_ROLES = ['lead', 'comms', 'scribe', 'liaison'] as const;
export type IncidentRoleName = (typeof INCIDENT_ROLES)[number];

export const ROLE_LABELS: Record<IncidentRoleName, string> = {
  lead: 'Incident lead',
  comms: 'Communications lead',
  scribe: 'Scribe',
  liaison: 'Customer liaison',
};

// Many teams call the lead "incident commander" (IC); accept their word for it. A Map rather than
// an object literal so that words like "constructor" do not resolve to Object.prototype members.
const ROLE_ALIASES: ReadonlyMap<string, IncidentRoleName> = new Map([
  ['commander', 'lead'],
  ['ic', 'lead'],
]);

export function parseRole(word: string): IncidentRoleName | undefined {
  const wanted = word.trim().toLowerCase();
  return INCIDENT_ROLES.find((role) => role === wanted) ?? ROLE_ALIASES.get(wanted);
}
