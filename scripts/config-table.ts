/** Prints the configuration table, or with --write puts it into README.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderConfigTable, replaceConfigTable } from '../src/config/config-table';

const readmePath = path.join(__dirname, '..', 'README.md');
if (process.argv.includes('--write')) {
  writeFileSync(readmePath, replaceConfigTable(readFileSync(readmePath, 'utf8')));
  console.log('README.md configuration table updated.');
} else {
  console.log(renderConfigTable());
}
