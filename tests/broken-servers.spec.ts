import { expect, test } from '@playwright/test';
import { startReferenceServer } from '../reference-server';
import { rewriteJson, startBrokenProxy, type Mutation } from './support/broken-proxy';
import { runSuite, verdictsOf } from './support/run-suite';

/**
 * A conformance suite is only as good as the broken servers it catches. Each case breaks one
 * behaviour of the reference server through a proxy and checks the suite names the requirement.
 */

interface BrokenCase {
  name: string;
  mutation: Mutation;
  grep: string;
  expected: Record<string, 'fail' | 'non-strict'>;
  exitCode: number;
}

const isPatch = (method: string, path: string) => method === 'PATCH' && /^\/v2\/images\/[^/]+$/.test(path);
const isLocationPost = (method: string, path: string) =>
  method === 'POST' && /^\/v2\/images\/[^/]+\/locations$/.test(path);

/** Rewrites the `path` of every location operation of a PATCH document. */
function locationPaths(change: (op: string, position: string) => string) {
  return (method: string, path: string, body: Buffer) =>
    isPatch(method, path)
      ? rewriteJson(body, (ops: Array<{ op: string; path: string }>) => {
          for (const o of ops) {
            const m = /^\/locations\/(.+)$/.exec(o.path);
            if (m) o.path = `/locations/${change(o.op, m[1])}`;
          }
        })
      : body;
}

const isAction = (method: string, path: string, name: string) =>
  method === 'POST' && new RegExp(`^/v2/images/[^/]+/actions/${name}$`).test(path);

/** Deactivates each image once; a second deactivate of the same image answers 400. */
function deactivateOnce(): Mutation {
  const deactivated = new Set<string>();
  return {
    response: (x) => {
      if (!isAction(x.method, x.path, 'deactivate') || x.status !== 204) return undefined;
      if (!deactivated.has(x.path)) {
        deactivated.add(x.path);
        return undefined;
      }
      return { status: 400, body: Buffer.from('400 Bad Request\n\nImage is already deactivated.') };
    },
  };
}

/** Rewrites the JSON body of the answers to `method` on `path` (exact, or matched) that have `status`. */
function rewriteAnswer(
  method: string,
  path: string | RegExp,
  status: number,
  edit: Parameters<typeof rewriteJson>[1],
): Mutation {
  const onPath = (p: string) => (typeof path === 'string' ? p === path : path.test(p));
  return {
    response: (x) =>
      x.method === method && onPath(x.path) && x.status === status ? { body: rewriteJson(x.body, edit) } : undefined,
  };
}

/** A PATCH refused with `status` and a body saying `text`, answered 200 instead (the server lets it through). */
const acceptRefusal = (text: string, status = 400): Mutation => ({
  response: (x) =>
    isPatch(x.method, x.path) && x.status === status && x.body.includes(text)
      ? { status: 200, body: Buffer.from('{}') }
      : undefined,
});

const isImage = (path: string) => /^\/v2\/images\/[^/?]+$/.test(path);

/** Shows `killed` for an image that is queued after a POST /locations, as Glance v1 did when an upload failed. */
function killedAfterFailedImport(): Mutation {
  const posted = new Set<string>();
  return {
    response: (x) => {
      if (isLocationPost(x.method, x.path)) posted.add(x.path.replace(/\/locations$/, ''));
      if (x.method !== 'GET' || !posted.has(x.path) || x.status !== 200) return undefined;
      return {
        body: rewriteJson(x.body, (d) => {
          if (d.status === 'queued') d.status = 'killed';
        }),
      };
    },
  };
}

const cases: BrokenCase[] = [
  {
    name: 'accepts location removal on a queued image',
    mutation: { response: (x) => (isPatch(x.method, x.path) && x.status === 409 ? { status: 200 } : undefined) },
    grep: '@LOC-REMOVE-QUEUED-409',
    expected: { 'LOC-REMOVE-QUEUED-409': 'fail' },
    exitCode: 1,
  },
  {
    name: 'refuses to replace locations of a queued image',
    mutation: {
      response: (x) =>
        isPatch(x.method, x.path) &&
        x.status === 200 &&
        JSON.parse(x.body.toString()).status === 'active' &&
        x.headers['content-type']?.includes('json-patch')
          ? { status: 409, body: Buffer.from('409 Conflict') }
          : undefined,
    },
    grep: '@LOC-REPLACE-QUEUED-ACTIVATES',
    expected: { 'LOC-REPLACE-QUEUED-ACTIVATES': 'fail' },
    exitCode: 1,
  },
  {
    name: 'drops vz from hypervisor_type',
    mutation: {
      response: (x) =>
        decodeURIComponent(x.path).includes('OS::Compute::Hypervisor') && x.status === 200
          ? {
              body: rewriteJson(x.body, (d) => {
                const p = d.properties?.hypervisor_type ?? d;
                p.enum = p.enum.filter((v: string) => v !== 'vz');
              }),
            }
          : undefined,
    },
    grep: '@HYPERVISOR-NAMESPACE-VZ|@HYPERVISOR-PROPERTY-VZ',
    expected: { 'HYPERVISOR-NAMESPACE-VZ': 'fail', 'HYPERVISOR-PROPERTY-VZ': 'fail' },
    exitCode: 1,
  },
  {
    name: 'leaves ploop out of the image schema',
    mutation: {
      response: (x) =>
        x.path === '/v2/schemas/image'
          ? {
              body: rewriteJson(x.body, (d) => {
                d.properties.disk_format.enum = d.properties.disk_format.enum.filter((v: unknown) => v !== 'ploop');
              }),
            }
          : undefined,
    },
    grep: '@DISK-FORMAT-PLOOP-SCHEMA',
    expected: { 'DISK-FORMAT-PLOOP-SCHEMA': 'fail' },
    exitCode: 1,
  },
  {
    name: 'ignores every Range header',
    mutation: {
      request: (_m, _p, h) => {
        delete h.range;
        return h;
      },
    },
    grep: '@RANGE-SINGLE-206|@RANGE-SUFFIX-206',
    expected: { 'RANGE-SINGLE-206': 'fail', 'RANGE-SUFFIX-206': 'fail' },
    exitCode: 1,
  },
  {
    name: 'sends a Content-Range one byte too long',
    mutation: {
      response: (x) => {
        const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(x.responseHeaders['content-range'] ?? '');
        return x.status === 206 && m
          ? { responseHeaders: { ...x.responseHeaders, 'content-range': `bytes ${m[1]}-${Number(m[2]) + 1}/${m[3]}` } }
          : undefined;
      },
    },
    grep: '@RANGE-SINGLE-206',
    expected: { 'RANGE-SINGLE-206': 'fail' },
    exitCode: 1,
  },
  {
    name: 'serves the bytes of a range shifted by one',
    mutation: {
      response: (x) =>
        x.status === 206 && x.body.length > 1
          ? { body: Buffer.concat([x.body.subarray(1), Buffer.from([0])]) }
          : undefined,
    },
    grep: '@RANGE-OPEN-ENDED-206',
    expected: { 'RANGE-OPEN-ENDED-206': 'fail' },
    exitCode: 1,
  },
  {
    name: 'answers 416 without Content-Range (a SHOULD)',
    mutation: {
      response: (x) => {
        if (x.status !== 416) return undefined;
        const h = { ...x.responseHeaders };
        delete h['content-range'];
        return { responseHeaders: h };
      },
    },
    grep: '@RANGE-416-CONTENT-RANGE',
    expected: { 'RANGE-416-CONTENT-RANGE': 'non-strict' },
    exitCode: 0,
  },
  {
    name: 'crashes on a Range for an image without data',
    mutation: {
      response: (x) =>
        x.status === 204 && x.method === 'GET' && x.headers.range ? { status: 500, body: Buffer.alloc(0) } : undefined,
    },
    grep: '@RANGE-NO-DATA-204',
    expected: { 'RANGE-NO-DATA-204': 'fail' },
    exitCode: 1,
  },
  {
    name: 'answers a malformed Range with 416 instead of ignoring it',
    mutation: {
      response: (x) =>
        x.status === 200 && x.headers.range && x.path.endsWith('/file')
          ? { status: 416, body: Buffer.from('416') }
          : undefined,
    },
    grep: '@RANGE-INVALID-IGNORED',
    expected: { 'RANGE-INVALID-IGNORED': 'fail' },
    exitCode: 1,
  },
  {
    name: 'refuses to create a ploop image (the create itself is judged, not a preparation the suite lacks)',
    mutation: {
      response: (x) =>
        x.method === 'POST' && x.path === '/v2/images' && x.requestBody.includes('"ploop"')
          ? { status: 400, body: Buffer.from('400 Bad Request: invalid disk_format') }
          : undefined,
    },
    grep: '@DISK-FORMAT-PLOOP-CREATE|@DISK-FORMAT-PLOOP-DATA',
    expected: { 'DISK-FORMAT-PLOOP-CREATE': 'fail', 'DISK-FORMAT-PLOOP-DATA': 'fail' },
    exitCode: 1,
  },
  {
    name: 'appends a location wherever it is added',
    mutation: { requestBody: locationPaths((op, position) => (op === 'add' ? '-' : position)) },
    grep: '@LOC-ADD-INDEX-INSERTS|@LOC-ADD-INDEX-PAST-END-400',
    expected: { 'LOC-ADD-INDEX-INSERTS': 'fail', 'LOC-ADD-INDEX-PAST-END-400': 'fail' },
    exitCode: 1,
  },
  {
    name: 'reads location indices as Glance does (leading zeros as digits, remove "-" as the last)',
    mutation: {
      requestBody: locationPaths((op, position) =>
        /^\d+$/.test(position) ? String(Number(position)) : op === 'remove' && position === '-' ? '1' : position,
      ),
    },
    grep: '@LOC-INDEX-LEADING-ZERO-400|@LOC-REMOVE-DASH-400',
    expected: { 'LOC-INDEX-LEADING-ZERO-400': 'fail', 'LOC-REMOVE-DASH-400': 'fail' },
    exitCode: 1,
  },
  {
    name: 'clamps a remove index past the end to the last location',
    mutation: {
      requestBody: locationPaths((op, position) => (op === 'remove' && Number(position) > 1 ? '1' : position)),
    },
    grep: '@LOC-REMOVE-INDEX-MISSING-400',
    expected: { 'LOC-REMOVE-INDEX-MISSING-400': 'fail' },
    exitCode: 1,
  },
  {
    name: 'lets a duplicate location URL through (a SHOULD)',
    mutation: acceptRefusal('already exists'),
    grep: '@LOC-ADD-DUPLICATE-400',
    expected: { 'LOC-ADD-DUPLICATE-400': 'non-strict' },
    exitCode: 0,
  },
  {
    name: "lets an active image's locations be replaced by other URLs (a SHOULD)",
    mutation: acceptRefusal('Original locations is not empty'),
    grep: '@LOC-REPLACE-ACTIVE-OTHER-URLS-400',
    expected: { 'LOC-REPLACE-ACTIVE-OTHER-URLS-400': 'non-strict' },
    exitCode: 0,
  },
  {
    name: 'decodes ~0 before ~1 in patch paths',
    mutation: {
      requestBody: (method, path, body) =>
        isPatch(method, path)
          ? rewriteJson(body, (ops: Array<{ path: string }>) => {
              for (const o of ops) {
                const wrong = o.path.slice(1).replace(/~0/g, '~').replace(/~1/g, '/');
                o.path = `/${wrong.replace(/~/g, '~0').replace(/\//g, '~1')}`;
              }
            })
          : body,
    },
    grep: '@PATCH-POINTER-ESCAPES',
    expected: { 'PATCH-POINTER-ESCAPES': 'fail' },
    exitCode: 1,
  },
  {
    name: 'ignores a matching If-Range (a SHOULD)',
    mutation: {
      request: (_m, _p, h) => {
        if (h['if-range']) delete h.range;
        return h;
      },
    },
    grep: '@RANGE-IF-RANGE-MATCH-206',
    expected: { 'RANGE-IF-RANGE-MATCH-206': 'non-strict' },
    exitCode: 0,
  },
  {
    name: 'imports another URL than the one POSTed to /locations',
    mutation: {
      requestBody: (method, path, body) =>
        isLocationPost(method, path) && body.includes('"url"')
          ? rewriteJson(body, (b) => {
              if (typeof b.url === 'string') b.url = `${b.url}.other`;
            })
          : body,
    },
    grep: '@LOCATIONS-API-ADD-QUEUED-202',
    expected: { 'LOCATIONS-API-ADD-QUEUED-202': 'fail' },
    exitCode: 1,
  },
  {
    name: 'adds a location through POST /locations whatever the image status',
    mutation: {
      response: (x) =>
        isLocationPost(x.method, x.path) && x.status === 409 ? { status: 202, body: Buffer.alloc(0) } : undefined,
    },
    grep: '@LOCATIONS-API-ADD-NOT-QUEUED-409',
    expected: { 'LOCATIONS-API-ADD-NOT-QUEUED-409': 'fail' },
    exitCode: 1,
  },
  {
    name: 'ignores validation_data',
    mutation: {
      requestBody: (method, path, body) =>
        isLocationPost(method, path)
          ? rewriteJson(body, (b) => {
              delete b.validation_data;
            })
          : body,
    },
    grep: '@LOCATIONS-API-ADD-INVALID-400|@LOCATIONS-API-HASH-MISMATCH',
    expected: { 'LOCATIONS-API-ADD-INVALID-400': 'fail', 'LOCATIONS-API-HASH-MISMATCH': 'fail' },
    exitCode: 1,
  },
  {
    name: 'lists locations with their internal id and status',
    mutation: {
      response: (x) =>
        x.method === 'GET' && x.path.endsWith('/locations') && x.status === 200
          ? {
              body: rewriteJson(x.body, (list) => {
                for (const l of list) Object.assign(l, { id: 1, status: 'active' });
              }),
            }
          : undefined,
    },
    grep: '@LOCATIONS-API-GET',
    expected: { 'LOCATIONS-API-GET': 'fail' },
    exitCode: 1,
  },
  {
    name: 'accepts validation_data with only one of os_hash_algo and os_hash_value',
    mutation: {
      requestBody: (method, path, body) =>
        isLocationPost(method, path)
          ? rewriteJson(body, (b) => {
              const keys = Object.keys(b.validation_data ?? {});
              if (keys.length === 1 && /^os_hash_(algo|value)$/.test(keys[0])) delete b.validation_data;
            })
          : body,
    },
    grep: '@LOCATIONS-API-ADD-INVALID-400',
    expected: { 'LOCATIONS-API-ADD-INVALID-400': 'fail' },
    exitCode: 1,
  },
  {
    name: "names its default hash algorithm for a hash taken in validation_data's",
    mutation: {
      response: (x) =>
        x.method === 'GET' && isImage(x.path) && x.status === 200 && x.body.includes('"sha256"')
          ? {
              body: rewriteJson(x.body, (d) => {
                if (d.os_hash_algo === 'sha256') d.os_hash_algo = 'sha512';
              }),
            }
          : undefined,
    },
    grep: '@LOCATIONS-API-HASHES',
    expected: { 'LOCATIONS-API-HASHES': 'fail' },
    exitCode: 1,
  },
  {
    name: 'kills an image whose location import failed',
    mutation: killedAfterFailedImport(),
    grep: '@LOCATIONS-API-FAILED-QUEUED',
    expected: { 'LOCATIONS-API-FAILED-QUEUED': 'fail' },
    exitCode: 1,
  },
  {
    // The reference without authentication lets every caller add any scheme; the proxy makes the suite's identity
    // one without the service role, as GET /locations shows it.
    name: 'lets a caller without the service role add a location of any scheme',
    mutation: {
      response: (x) =>
        x.method === 'GET' && x.path.endsWith('/locations') && x.status === 200
          ? {
              status: 403,
              body: Buffer.from('403 Forbidden\n\nYou are not authorized to complete fetch_image_location action.'),
            }
          : undefined,
    },
    grep: '@LOCATIONS-API-NON-SERVICE-HTTP-ONLY',
    expected: { 'LOCATIONS-API-NON-SERVICE-HTTP-ONLY': 'fail' },
    exitCode: 1,
  },
  {
    name: 'takes data for an image that is not queued (204 instead of 409)',
    mutation: {
      response: (x) =>
        x.method === 'PUT' && /^\/v2\/images\/[^/]+\/(file|stage)$/.test(x.path) && x.status === 409
          ? { status: 204, body: Buffer.alloc(0) }
          : undefined,
    },
    grep: '@ACTIONS-DATA-NOT-QUEUED-409',
    expected: { 'ACTIONS-DATA-NOT-QUEUED-409': 'fail' },
    exitCode: 1,
  },
  {
    name: 'gives an image created without formats raw and bare',
    mutation: {
      requestBody: (method, path, body) =>
        method === 'POST' && path === '/v2/images'
          ? rewriteJson(body, (b) => {
              b.disk_format ??= 'raw';
              b.container_format ??= 'bare';
            })
          : body,
    },
    grep: '@ACTIONS-DATA-FORMATS-400',
    expected: { 'ACTIONS-DATA-FORMATS-400': 'fail' },
    exitCode: 1,
  },
  {
    name: 'applies PATCH documents of any JSON media type',
    mutation: {
      request: (m, p, h) =>
        isPatch(m, p) && !/openstack-images/.test(h['content-type'] ?? '')
          ? { ...h, 'content-type': 'application/openstack-images-v2.1-json-patch' }
          : h,
    },
    grep: '@PATCH-MEDIA-TYPE-415',
    expected: { 'PATCH-MEDIA-TYPE-415': 'fail' },
    exitCode: 1,
  },
  {
    name: 'reads v2.0 patches as v2.1 ones (draft-4 operation objects refused)',
    mutation: {
      request: (m, p, h) =>
        isPatch(m, p) && /v2\.0-json-patch/.test(h['content-type'] ?? '')
          ? { ...h, 'content-type': 'application/openstack-images-v2.1-json-patch' }
          : h,
    },
    grep: '@PATCH-V20-MEDIA-TYPE',
    expected: { 'PATCH-V20-MEDIA-TYPE': 'fail' },
    exitCode: 1,
  },
  {
    name: 'answers 200 to a replace or remove of a property the image does not have',
    mutation: acceptRefusal('does not exist', 409),
    grep: '@PATCH-REPLACE-MISSING-409',
    expected: { 'PATCH-REPLACE-MISSING-409': 'fail' },
    exitCode: 1,
  },
  {
    name: 'answers 200 to a PATCH of a read-only attribute (a SHOULD)',
    mutation: acceptRefusal('read-only', 403),
    grep: '@PATCH-READ-ONLY-403',
    expected: { 'PATCH-READ-ONLY-403': 'non-strict' },
    exitCode: 0,
  },
  {
    name: 'ignores min_ram in a PATCH',
    mutation: {
      requestBody: (m, p, body) =>
        isPatch(m, p)
          ? rewriteJson(body, (ops: Array<{ path?: string }>) => {
              const i = ops.findIndex((o) => o.path === '/min_ram');
              if (i >= 0) ops.splice(i, 1);
            })
          : body,
    },
    grep: '@PATCH-ATTRIBUTES-SET',
    expected: { 'PATCH-ATTRIBUTES-SET': 'fail' },
    exitCode: 1,
  },
  {
    name: 'refuses to reactivate a deactivated image',
    mutation: {
      response: (x) =>
        isAction(x.method, x.path, 'reactivate') && x.status === 204
          ? { status: 403, body: Buffer.from('403 Forbidden') }
          : undefined,
    },
    grep: '@ACTIONS-REACTIVATE-204',
    expected: { 'ACTIONS-REACTIVATE-204': 'fail' },
    exitCode: 1,
  },
  {
    name: 'refuses to deactivate an image twice (a SHOULD)',
    mutation: deactivateOnce(),
    grep: '@ACTIONS-REPEAT-NOOP-204',
    expected: { 'ACTIONS-REPEAT-NOOP-204': 'non-strict' },
    exitCode: 0,
  },
  {
    name: 'deactivates a queued image (204 instead of 403)',
    mutation: {
      response: (x) =>
        (isAction(x.method, x.path, 'deactivate') || isAction(x.method, x.path, 'reactivate')) && x.status === 403
          ? { status: 204, body: Buffer.alloc(0) }
          : undefined,
    },
    grep: '@ACTIONS-QUEUED-403',
    expected: { 'ACTIONS-QUEUED-403': 'fail' },
    exitCode: 1,
  },
  {
    name: 'shows a metadef namespace without its objects',
    mutation: rewriteAnswer('GET', /^\/v2\/metadefs\/namespaces\/[^/?]+$/, 200, (d) => {
      delete d.objects;
    }),
    grep: '@METADEF-NAMESPACE-WRITE',
    expected: { 'METADEF-NAMESPACE-WRITE': 'fail' },
    exitCode: 1,
  },
  {
    name: 'answers a metadef namespace create without the associations sent',
    mutation: rewriteAnswer('POST', '/v2/metadefs/namespaces', 201, (d) => {
      delete d.resource_type_associations;
    }),
    grep: '@METADEF-NAMESPACE-WRITE',
    expected: { 'METADEF-NAMESPACE-WRITE': 'fail' },
    exitCode: 1,
  },
  {
    name: 'lists a resource type once more for each association that names it',
    mutation: rewriteAnswer(
      'GET',
      '/v2/metadefs/resource_types',
      200,
      (d: { resource_types: Array<{ name: string }> }) => {
        d.resource_types.push(...d.resource_types.filter((t) => t.name === 'OS::Nova::Flavor'));
      },
    ),
    grep: '@METADEF-NAMESPACE-WRITE',
    expected: { 'METADEF-NAMESPACE-WRITE': 'fail' },
    exitCode: 1,
  },
  // METADEF-NAMESPACE-CONFLICTS: each refusal answered as if the operation went through.
  {
    name: 'creates a second metadef namespace of a name that exists',
    mutation: {
      response: (x) =>
        x.method === 'POST' && x.path === '/v2/metadefs/namespaces' && x.status === 409
          ? { status: 201, body: x.requestBody }
          : undefined,
    },
    grep: '@METADEF-NAMESPACE-CONFLICTS',
    expected: { 'METADEF-NAMESPACE-CONFLICTS': 'fail' },
    exitCode: 1,
  },
  {
    name: "renames a metadef namespace onto another namespace's name",
    mutation: {
      response: (x) =>
        x.method === 'PUT' && /^\/v2\/metadefs\/namespaces\/[^/]+$/.test(x.path) && x.status === 409
          ? { status: 200, body: x.requestBody }
          : undefined,
    },
    grep: '@METADEF-NAMESPACE-CONFLICTS',
    expected: { 'METADEF-NAMESPACE-CONFLICTS': 'fail' },
    exitCode: 1,
  },
  {
    name: 'deletes a protected metadef namespace',
    mutation: {
      response: (x) =>
        x.method === 'DELETE' && /^\/v2\/metadefs\/namespaces\/[^/]+$/.test(x.path) && x.status === 403
          ? { status: 204, body: Buffer.alloc(0) }
          : undefined,
    },
    grep: '@METADEF-NAMESPACE-CONFLICTS',
    expected: { 'METADEF-NAMESPACE-CONFLICTS': 'fail' },
    exitCode: 1,
  },
  // The metadef lookups (specs/metadef-lookups.spec.ts).
  {
    name: 'shows a namespace for a resource type without the prefix on its properties',
    mutation: rewriteAnswer('GET', /^\/v2\/metadefs\/namespaces\/[^/?]+\?resource_type=/, 200, (d) => {
      d.properties = Object.fromEntries(
        Object.entries(d.properties ?? {}).map(([name, p]) => [name.replace(/^hw_/, ''), p]),
      );
    }),
    grep: '@METADEF-PREFIX',
    expected: { 'METADEF-PREFIX': 'fail' },
    exitCode: 1,
  },
  {
    name: 'lists a public namespace for ?visibility=private',
    mutation: {
      response: (x) =>
        x.method === 'GET' && x.path.startsWith('/v2/metadefs/namespaces?') && x.path.includes('visibility=private')
          ? {
              body: rewriteJson(x.body, (d) => {
                d.namespaces.push({ namespace: 'OS::Compute::Hypervisor', visibility: 'public' });
              }),
            }
          : undefined,
    },
    grep: '@METADEF-VISIBILITY-FILTER',
    expected: { 'METADEF-VISIBILITY-FILTER': 'fail' },
    exitCode: 1,
  },
  {
    name: "lists a namespace's resource type associations without their prefixes",
    mutation: rewriteAnswer('GET', /^\/v2\/metadefs\/namespaces\/[^/]+\/resource_types$/, 200, (d) => {
      for (const association of d.resource_type_associations) delete association.prefix;
    }),
    grep: '@METADEF-RESOURCE-TYPES',
    expected: { 'METADEF-RESOURCE-TYPES': 'fail' },
    exitCode: 1,
  },
  {
    name: 'shows any metadef tag asked for, known or not',
    mutation: {
      response: (x) =>
        x.method === 'GET' && /^\/v2\/metadefs\/namespaces\/[^/]+\/tags\/[^/]+$/.test(x.path) && x.status === 404
          ? { status: 200, body: Buffer.from(JSON.stringify({ name: decodeURIComponent(x.path.split('/').pop()!) })) }
          : undefined,
    },
    grep: '@METADEF-NAMESPACE-LOOKUPS',
    expected: { 'METADEF-NAMESPACE-LOOKUPS': 'fail' },
    exitCode: 1,
  },
  // ── validation_data and patch document syntax (LOC-ADD-VALIDATION-DATA-*, PATCH-*-400, PATCH-415-ACCEPT-PATCH) ──
  {
    name: 'ignores the validation_data of a location added by PATCH',
    mutation: {
      requestBody: (method, path, body) =>
        isPatch(method, path)
          ? rewriteJson(body, (ops: Array<{ value?: { validation_data?: unknown } }>) => {
              // A location is the value of an add, or one element of a replace's list.
              for (const location of ops.flatMap((o) => [o.value].flat())) delete location?.validation_data;
            })
          : body,
    },
    grep: '@LOC-ADD-VALIDATION-DATA',
    expected: {
      'LOC-ADD-VALIDATION-DATA-SET': 'fail',
      'LOC-ADD-VALIDATION-DATA-MATCH-409': 'fail',
      'LOC-ADD-VALIDATION-DATA-INVALID-409': 'non-strict',
    },
    exitCode: 1,
  },
  {
    name: 'repairs malformed patch documents (a lone object listed, non-objects dropped, a missing value null)',
    mutation: {
      requestBody: (method, path, body) => {
        if (!isPatch(method, path)) return body;
        const doc: unknown = JSON.parse(body.toString());
        const ops = (Array.isArray(doc) ? doc : [doc]).filter((o) => typeof o === 'object' && o !== null);
        return Buffer.from(JSON.stringify(ops.map((o) => ({ value: null, ...o }))));
      },
    },
    grep: '@PATCH-DOCUMENT-MALFORMED-400',
    expected: { 'PATCH-DOCUMENT-MALFORMED-400': 'fail' },
    exitCode: 1,
  },
  {
    name: 'reads a patch path leniently (a missing, doubled or trailing "/" forgiven)',
    mutation: {
      requestBody: (method, path, body) =>
        isPatch(method, path)
          ? rewriteJson(body, (ops: Array<{ path?: unknown }>) => {
              for (const o of ops)
                if (typeof o.path === 'string') o.path = `/${o.path.split('/').filter(Boolean).join('/')}`;
            })
          : body,
    },
    grep: '@PATCH-POINTER-MALFORMED-400',
    expected: { 'PATCH-POINTER-MALFORMED-400': 'fail' },
    exitCode: 1,
  },
  {
    name: 'answers 415 to a PATCH without Accept-Patch (a SHOULD)',
    mutation: {
      response: (x) => {
        if (!isPatch(x.method, x.path) || x.status !== 415) return undefined;
        const { 'accept-patch': _, ...responseHeaders } = x.responseHeaders;
        return { responseHeaders };
      },
    },
    grep: '@PATCH-415-ACCEPT-PATCH',
    expected: { 'PATCH-415-ACCEPT-PATCH': 'non-strict' },
    exitCode: 0,
  },
  {
    name: 'answers 200 to a format change of an active image (a SHOULD)',
    mutation: acceptRefusal('can be only replaced for a queued image', 403),
    grep: '@PATCH-FORMAT-QUEUED-ONLY-403',
    expected: { 'PATCH-FORMAT-QUEUED-ONLY-403': 'non-strict' },
    exitCode: 0,
  },
];

for (const c of cases) {
  test(`the suite catches a server that ${c.name}`, async () => {
    const reference = await startReferenceServer({ port: 0 });
    const proxy = await startBrokenProxy(reference.url, c.mutation);
    try {
      const run = await runSuite({ GLANCE_URL: proxy.url }, ['--grep', c.grep]);
      const verdicts = verdictsOf(run.report);
      for (const [id, verdict] of Object.entries(c.expected))
        expect(verdicts[id], `${id}\n${run.output}`).toBe(verdict);
      expect(run.exitCode, run.output).toBe(c.exitCode);
    } finally {
      await proxy.close();
      await reference.close();
    }
  });
}

/**
 * Requirements judged only where callers differ, hence the reference server in token mode with a member and an
 * admin in another project, judged honest and broken. The broken server sends the member's matching requests with
 * the admin's token: the member may do what only an admin may.
 */
const asAdminCases: Array<{
  name: string;
  id: string;
  asAdmin: (method: string, path: string) => boolean;
  verdict: 'fail' | 'non-strict';
}> = [
  {
    name: 'shows a private metadef namespace to another project',
    id: 'METADEF-PRIVATE-HIDDEN',
    asAdmin: (method, path) => method === 'GET' && path.startsWith('/v2/metadefs/'),
    verdict: 'fail',
  },
  {
    name: 'lets a member make an image public, and deletes that image',
    id: 'PATCH-PUBLICIZE-NON-ADMIN-403',
    asAdmin: isPatch,
    verdict: 'non-strict',
  },
];

for (const c of asAdminCases) {
  test(`the suite catches a server that ${c.name}`, async () => {
    const member = { token: 'fake-member-token', project: 'p1', roles: ['member'] };
    const admin = { token: 'fake-admin-token', project: 'p2', roles: ['admin'] };
    const reference = await startReferenceServer({ port: 0, auth: { tokens: [member, admin] } });
    const proxy = await startBrokenProxy(reference.url, {
      request: (method, path, headers) =>
        c.asAdmin(method, path) && headers['x-auth-token'] === member.token
          ? { ...headers, 'x-auth-token': admin.token }
          : headers,
    });
    const grep = ['--grep', `@${c.id}`];
    const env = (url: string) => ({
      GLANCE_URL: url,
      OS_AUTH_TOKEN: member.token,
      GLANCE_ADMIN_OS_AUTH_TOKEN: admin.token,
    });
    try {
      const honest = await runSuite(env(reference.url), grep);
      expect(verdictsOf(honest.report), honest.output).toEqual({ [c.id]: 'pass' });
      const broken = await runSuite(env(proxy.url), grep);
      expect(verdictsOf(broken.report), broken.output).toEqual({ [c.id]: c.verdict });
      expect(broken.exitCode, broken.output).toBe(c.verdict === 'fail' ? 1 : 0);
      const left = await fetch(`${reference.url}/v2/images`, { headers: { 'x-auth-token': admin.token } });
      expect(((await left.json()) as { images: unknown[] }).images, 'images left behind by the runs').toEqual([]);
    } finally {
      await proxy.close();
      await reference.close();
    }
  });
}
