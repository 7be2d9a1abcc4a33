import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { requirements as catalog, featureOf, type Requirement } from '../catalog/requirements';
import { ROOT } from '../harness/paths';
import type { CatalogInfo, ToolInfo } from './model';

/**
 * What makes two reports comparable: the suite's version, the catalog it judged (hashed) and the
 * schema the document follows. Read from the package itself, so an installed copy describes itself.
 */

export const SCHEMA_FILE = path.join(ROOT, 'reporting', 'conformance.schema.json');
export const REQUIREMENTS_FILE = path.join(ROOT, 'requirements.json');

function versionOf(packageJson: string): string {
  try {
    return (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function toolInfo(): ToolInfo {
  return {
    name: 'glance-conformance',
    version: versionOf(path.join(ROOT, 'package.json')),
    playwright: versionOf(require.resolve('@playwright/test/package.json')),
  };
}

/** The schema's `$id`: where the schema of this version is published, and the path of it inside the package. */
export function schemaId(): string {
  return (JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as { $id: string }).$id;
}

/** requirements.json: the catalog as data for tools that do not read TypeScript. */
export interface RequirementsDocument {
  $comment: string;
  hash: string;
  requirements: Array<Requirement & { feature: string }>;
}

export function requirementsDocument(list: readonly Requirement[] = catalog): RequirementsDocument {
  const requirements = list.map((r) => ({ ...r, needs: [...r.needs], feature: featureOf(r.id) }));
  const hash = `sha256:${createHash('sha256').update(JSON.stringify(requirements)).digest('hex')}`;
  return {
    $comment: 'Generated from catalog/requirements.ts by `npm run catalog:export`; do not edit.',
    hash,
    requirements,
  };
}

export function catalogInfo(list: readonly Requirement[] = catalog): CatalogInfo {
  return { hash: requirementsDocument(list).hash, requirements: list.length };
}
