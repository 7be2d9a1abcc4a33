/**
 * Validates request documents against Glance's schemas with ajv, and words
 * failures like python-jsonschema's first line, which Glance puts after
 * "Provided object does not match schema '<name>': ".
 */
import Ajv, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import { httpError } from './errors';
import { pythonRepr } from './python-format';
import { imageSchema } from './schemas';

export type ImageValidator = (document: Record<string, unknown>) => void;
export type DocumentValidator = (document: unknown) => void;

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return `${pythonRepr(error.data)} is not one of ${pythonRepr(params.allowedValues)}`;
    case 'type': {
      const types = String(params.type).split(',');
      return `${pythonRepr(error.data)} is not of type ${types.map((t) => pythonRepr(t)).join(', ')}`;
    }
    case 'required':
      return `${pythonRepr(params.missingProperty)} is a required property`;
    case 'maxLength':
      return `${pythonRepr(error.data)} is too long`;
    case 'minLength':
      return `${pythonRepr(error.data)} is too short`;
    case 'pattern':
      return `${pythonRepr(error.data)} does not match ${pythonRepr(params.pattern)}`;
    case 'additionalProperties':
      return `Additional properties are not allowed (${pythonRepr(params.additionalProperty)} was unexpected)`;
    // draft-07's `dependencies` stands for Glance's `dependentRequired`, which jsonschema words this way.
    case 'dependencies':
      return `${pythonRepr(params.missingProperty)} is a dependency of ${pythonRepr(params.property)}`;
    default:
      return `${pythonRepr(error.data)} ${error.message ?? 'is invalid'}`;
  }
}

/**
 * min_ram and min_disk: Glance's image domain refuses negative values (InvalidParameterValue, 400);
 * a number JSON can carry but no integer column can (1e400, 2**64) is not an integer either.
 */
function checkSizes(document: Record<string, unknown>): void {
  for (const key of ['min_ram', 'min_disk'] as const) {
    const value = document[key];
    if (typeof value !== 'number') continue;
    if (!Number.isSafeInteger(value)) {
      throw httpError(
        400,
        `Provided object does not match schema 'image': ${pythonRepr(value)} is not of type 'integer'`,
      );
    }
    if (value < 0) throw httpError(400, `Invalid value '${value}' for parameter '${key}': Cannot be a negative value.`);
  }
}

/**
 * One ajv for every validator, each schema compiled when first needed: an ajv per schema, all compiled at start,
 * held ~20 MiB of an idle server's 93 MiB RSS, and a server that never sees a metadef write need not pay for its
 * validators. Glance's schemas carry non-validation keywords (name, links, readOnly…): not strict.
 */
const ajv = new Ajv({ strict: false, verbose: true });

/** A validator answering Glance's 400 for documents that do not match `schema`, named `name` in the message. */
export function documentValidator(name: string, schema: AnySchema): DocumentValidator {
  let validate: ValidateFunction | undefined;
  return (document) => {
    validate ??= ajv.compile(schema);
    if (validate(document)) return;
    const first = validate.errors?.[0];
    const reason = first ? describe(first) : 'is invalid';
    throw httpError(400, `Provided object does not match schema '${name}': ${reason}`);
  };
}

/** DISK-FORMAT-UNKNOWN-400, DISK-FORMAT-PLOOP-CREATE: formats outside the configured lists are a schema 400. */
export function imageValidator(diskFormats: string[], containerFormats: string[]): ImageValidator {
  const validate = documentValidator('image', imageSchema(diskFormats, containerFormats));
  return (document) => {
    validate(document);
    checkSizes(document);
  };
}
