export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

// Descriptions are shown as Slack option descriptions, which Slack caps at 75 characters.
export const SEVERITY_INFO: Record<Severity, { label: string; description: string }> = {
  SEV1: { label: 'SEV1 – Critical', description: 'Critical, customer-facing outage of a core function' },
  SEV2: {
    label: 'SEV2 – Major',
    description: 'Core function degraded, or a key feature down for many customers',
  },
  SEV3: { label: 'SEV3 – Minor', description: 'Partial degradation with limited customer impact' },
  SEV4: { label: 'SEV4 – Low', description: 'Minor issue, no customer impact or a workaround exists' },
};

export function parseSeverity(word: string): Severity | undefined {
  const match = /^(?:sev)?([1-4])$/i.exec(word.trim());
  return match ? SEVERITIES.find((severity) => severity === `SEV${match[1]}`) : undefined;
}
