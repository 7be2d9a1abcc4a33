// Stryker ignorer for `npm run mutation`: leaves out the prose of error messages and schema
// descriptions. The conformance suite judges status codes, headers, bytes and states — never the
// wording of a message (Glance's own wording differs between releases) — so a mutant that only
// changes such text would survive without telling anything about the suite's strength.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const ERROR_FACTORIES = new Set(['httpError', 'httpErrorWithDetail']);
const PROSE_KEYS = new Set(['message', 'description']);
const PROSE_FUNCTIONS = new Set(['startMessage', 'pointerMessage']);
/** Errors whose message becomes a task's `message`: prose as well. */
const PROSE_ERRORS = new Set(['LocationImportFailure']);
const PROSE_VARIABLES = new Set(['locationsVerb']);

function keyName(node) {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'StringLiteral') return node.value;
  return undefined;
}

export const errorProseIgnorer = {
  shouldIgnore(path) {
    const { node, parentPath } = path;
    // The message argument of httpError(status, message, …) / httpErrorWithDetail(status, message, …).
    if (
      parentPath?.isCallExpression() &&
      parentPath.node.callee.type === 'Identifier' &&
      ERROR_FACTORIES.has(parentPath.node.callee.name) &&
      parentPath.node.arguments[1] === node
    ) {
      return 'error message prose: the suite judges status codes, not wording';
    }
    // The message of `new LocationImportFailure(message)`.
    if (
      parentPath?.isNewExpression() &&
      parentPath.node.callee.type === 'Identifier' &&
      PROSE_ERRORS.has(parentPath.node.callee.name) &&
      parentPath.node.arguments[0] === node
    ) {
      return "a failed task's message prose: the suite judges the task's status and the image's, not wording";
    }
    // `message: …` of a range decision, `description: …` of a schema property.
    if (
      parentPath?.isObjectProperty() &&
      parentPath.node.value === node &&
      PROSE_KEYS.has(keyName(parentPath.node.key))
    ) {
      return `${keyName(parentPath.node.key)} prose: never judged by the suite`;
    }
    // Glance's other default disk formats are operator configuration (`disk_formats`); only ploop is an item.
    if (
      path.isStringLiteral() &&
      node.value !== 'ploop' &&
      parentPath?.isArrayExpression() &&
      parentPath.parentPath?.isVariableDeclarator() &&
      parentPath.parentPath.node.id.name === 'GLANCE_DISK_FORMATS'
    ) {
      return 'a default disk format other than ploop: operator configuration, judged by no item';
    }
    if (path.isVariableDeclarator() && node.id.type === 'Identifier' && PROSE_VARIABLES.has(node.id.name)) {
      return 'words for error message prose only';
    }
    if (path.isFunctionDeclaration() && node.id && PROSE_FUNCTIONS.has(node.id.name)) {
      return 'builds error message prose only';
    }
    return undefined;
  },
};

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'error-prose', errorProseIgnorer)];
