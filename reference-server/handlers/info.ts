/** /v2/info/*: what a single-store Glance 25.1 without keystone limits answers. */
import { httpError } from '../errors';
import { sendJson } from '../http';
import type { Exchange } from './exchange';

/** The methods of `enabled_import_methods` (25.1's default) the reference implements. */
export const IMPORT_METHODS = ['glance-direct', 'web-download'] as const;

export function showImportInfo(exchange: Exchange): void {
  sendJson(exchange.res, 200, {
    'import-methods': { description: 'Import methods available.', type: 'array', value: [...IMPORT_METHODS] },
  });
}

/** Without `enabled_backends` Glance has no store list; stores/detail too (measured for admins). */
export function showStoresInfo(): never {
  throw httpError(404, 'Multi backend is not supported at this site.');
}

/** Quotas come from Keystone unified limits (`use_keystone_limits`, off by default): nothing to report. */
export function showUsageInfo(exchange: Exchange): void {
  sendJson(exchange.res, 200, { usage: {} });
}
