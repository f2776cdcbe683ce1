import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './config';

/** The components people pick in the declare modal, grouped (e.g. by production cluster). */
const componentsFileSchema = z.object({
  groups: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(120),
        components: z.array(z.string().trim().min(1).max(120)).min(1).max(100),
      }),
    )
    .min(1)
    .max(100),
});

export type ComponentsConfig = z.infer<typeof componentsFileSchema>;

export function loadComponentsFile(path: string): ComponentsConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([
      `COMPONENTS_FILE: expected a readable YAML file; ${(error as Error).message.split('\n')[0]}`,
    ]);
  }
  const parsed = componentsFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) => `COMPONENTS_FILE: ${issue.path.join('.') || 'file'}: ${issue.message}`,
      ),
    );
  }
  return parsed.data;
}
