import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderConfigTable, replaceConfigTable } from '../../src/config/config-table';
import { VARIABLES } from '../../src/config/variables';

const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('README configuration table', () => {
  it('is the table generated from the zod schema (run `npm run docs:config` after changing a variable)', () => {
    expect(replaceConfigTable(readme)).toBe(readme);
  });

  it('lists every variable with its default', () => {
    const table = renderConfigTable();
    for (const name of Object.keys(VARIABLES)) expect(table).toContain(`| \`${name}\` |`);
    expect(table).toContain('| `DATABASE_URL` | `postgresql://postgres@127.0.0.1:5432/sitrep` |');
    expect(table).toContain('| `SLACK_BOT_TOKEN` | — |');
  });

  it('notices a stale table', () => {
    const stale = readme.replace('| `PORT` |', '| `PORT_NUMBER` |');
    expect(stale).not.toBe(readme);
    expect(replaceConfigTable(stale)).not.toBe(stale);
  });
});
