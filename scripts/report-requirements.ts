import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { REQUIREMENTS_FILE, requirementsDocument } from '../reporting/identity';

/**
 * `npm run catalog:export [-- --check]`: writes requirements.json, the catalog of
 * catalog/requirements.ts as data (with the hash every conformance.json carries). --check exits 1
 * when the file is not what the catalog gives, without writing.
 */

const { values } = parseArgs({ options: { check: { type: 'boolean' } } });
const text = `${JSON.stringify(requirementsDocument(), null, 2)}\n`;
const current = fs.existsSync(REQUIREMENTS_FILE) ? fs.readFileSync(REQUIREMENTS_FILE, 'utf8') : '';
if (values.check) {
  if (current !== text) {
    console.error(
      'glance-conformance: requirements.json differs from catalog/requirements.ts: run npm run catalog:export',
    );
    process.exit(1);
  }
  console.log('glance-conformance: requirements.json matches the catalog');
} else {
  fs.writeFileSync(REQUIREMENTS_FILE, text);
  console.log(
    `glance-conformance: requirements.json written (${requirementsDocument().requirements.length} requirements)`,
  );
}
