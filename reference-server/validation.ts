/**
 * Validates request documents against the image schema with ajv, and words
 * failures like python-jsonschema's first line, which Glance puts after
 * "Provided object does not match schema 'image': ".
 */
import Ajv, { type ErrorObject } from 'ajv';
import { httpError } from './errors';
import { pythonRepr } from './python-format';
import { imageSchema } from './schemas';

export type ImageValidator = (document: Record<string, unknown>) => void;

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
      throw httpError(400, `Provided object does not match schema 'image': ${pythonRepr(value)} is not of type 'integer'`);
    }
    if (value < 0) throw httpError(400, `Invalid value '${value}' for parameter '${key}': Cannot be a negative value.`);
  }
}

export function imageValidator(diskFormats: string[], containerFormats: string[]): ImageValidator {
  // Glance's schema carries non-validation keywords (name, links, readOnly…): not strict.
  const ajv = new Ajv({ strict: false, verbose: true });
  const validate = ajv.compile(imageSchema(diskFormats, containerFormats));
  return (document) => {
    if (!validate(document)) {
      const first = validate.errors?.[0];
      const reason = first ? describe(first) : 'is invalid';
      throw httpError(400, `Provided object does not match schema 'image': ${reason}`);
    }
    checkSizes(document);
  };
}
