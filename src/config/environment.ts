import { z } from 'zod';
import { VARIABLES, type VariableName, type VariableSpec } from './variables';

const specs: Record<VariableName, VariableSpec> = VARIABLES;

/** One zod object over every variable in VARIABLES, each with its own schema. */
export const environmentSchema = z.object(
  Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, spec.schema])) as {
    [K in VariableName]: (typeof VARIABLES)[K]['schema'];
  },
);

export type Environment = z.output<typeof environmentSchema>;
