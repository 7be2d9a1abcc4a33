/**
 * The requirements catalog: what the suite judges, where the rule comes from, and how strict it is.
 * Every test names exactly one of these IDs; `tests/catalog.spec.ts` fails when a requirement has no
 * test or a test names an unknown ID. Levels follow the source's own words (RFC 2119).
 */

export type Level = 'MUST' | 'SHOULD' | 'MAY';

/** What a target must be able to do before a requirement can be judged on it (detected, never configured). */
export type Capability =
  | 'image-data' // PUT/GET /v2/images/{id}/file
  | 'multiple-locations' // show_multiple_locations = True: image records carry `locations`
  | 'hidden-locations' // show_multiple_locations = False: no `locations` key
  | 'deactivate' // the caller may deactivate its own image
  | 'staging' // PUT /v2/images/{id}/stage (interoperable import) works
  | 'metadefs' // /v2/metadefs answers
  | 'location-api'; // API 2.17 or later: POST/GET /v2/images/{id}/locations (versions document)

export interface Source {
  /** Human-readable clause, e.g. "RFC 7233 §4.4". */
  clause: string;
  url: string;
}

export interface Requirement {
  id: string;
  title: string;
  level: Level;
  source: Source;
  needs: Capability[];
  /** What a target's answer must look like for a pass. */
  passes: string;
}

const SPEC_LITE = 'https://specs.openstack.org/openstack/glance-specs/specs/ocata/implemented/glance/lite-specs.html';
const API_REF = 'https://docs.openstack.org/api-ref/image/v2/index.html';
const METADEFS_REF = 'https://docs.openstack.org/api-ref/image/v2/metadefs-index.html';
const VERSIONS_REF = 'https://docs.openstack.org/api-ref/image/versions/index.html';
const rfc = (doc: number, section: string): Source => ({
  clause: `RFC ${doc} §${section}`,
  url: `https://www.rfc-editor.org/rfc/rfc${doc}#section-${section}`,
});
const specLite = (clause: string): Source => ({ clause: `Ocata spec-lite: ${clause}`, url: SPEC_LITE });
const apiRef = (anchor: string, clause: string): Source => ({
  clause: `Image API v2: ${clause}`,
  url: `${API_REF}#${anchor}`,
});

const LOCATIONS_409 = specLite('restrict location updates by image status');
const LOCATIONS = ['multiple-locations'] as const satisfies Capability[];
const PATCH_MEDIA_TYPES =
  'https://specs.openstack.org/openstack/glance-specs/specs/api/v2/http-patch-image-api-v2.html';
const patchMediaType = (clause: string): Source => ({
  clause: `Image API v2 HTTP PATCH media types (application/openstack-images-v2.1-json-patch): ${clause}`,
  url: PATCH_MEDIA_TYPES,
});
const GLANCE_LOCATION_SETTER = 'https://opendev.org/openstack/glance/src/tag/25.1.0/glance/location.py';
/** API 2.17 (Glance 29.0.0, 2024.2): the release note that added the location API. */
const LOCATION_API_NOTE = 'https://docs.openstack.org/releasenotes/glance/2024.2.html#new-features';
const locationApi = (clause: string): Source => ({
  clause: `Image API v2.17: ${clause} (api-ref and Glance 2024.2 release notes)`,
  url: LOCATION_API_NOTE,
});
const LOCATION_API = ['location-api'] as const satisfies Capability[];
const GLANCE_IMAGES_PY = 'https://opendev.org/openstack/glance/src/tag/25.1.0/glance/api/v2/images.py';
const VALIDATION_DATA: Source = {
  clause:
    'Image schema (GET /v2/schemas/image), locations[].validation_data: "Values to be used to populate the ' +
    "corresponding image properties. If the image status is not 'queued', values must exactly match those " +
    'already contained in the image properties."',
  url: GLANCE_IMAGES_PY,
};

export const requirements = [
  // ── Discovery ──────────────────────────────────────────────────────────────────────────────────
  {
    id: 'DISCOVERY-VERSIONS',
    title: 'GET /versions lists exactly one CURRENT v2 version',
    level: 'MUST',
    source: { clause: 'Image API versions: list versions', url: `${VERSIONS_REF}#list-versions` },
    needs: [],
    passes: '200, JSON {versions: [{id: "v2.N", status, links}]}, one entry with status CURRENT and id v2.x',
  },
  {
    id: 'DISCOVERY-VERSIONS-ROOT',
    title: 'GET / answers 300 Multiple Choices with the versions document',
    level: 'MUST',
    source: { clause: 'Image API versions: list versions (300)', url: `${VERSIONS_REF}#list-versions` },
    needs: [],
    passes: '300 and the same versions list as GET /versions',
  },
  {
    id: 'DISCOVERY-SCHEMA-IMAGE',
    title: 'GET /v2/schemas/image is a JSON Schema describing images',
    level: 'MUST',
    source: apiRef('show-image-schema', 'show image schema'),
    needs: [],
    passes: '200, compiles as JSON Schema, names "image", declares disk_format, container_format, status and id',
  },
  {
    id: 'DISCOVERY-SCHEMA-IMAGES',
    title: 'GET /v2/schemas/images describes a list of images',
    level: 'MUST',
    source: apiRef('show-images-schema', 'show images schema'),
    needs: [],
    passes:
      '200, compiles as JSON Schema, names "images", its images.items describe the same properties as the image schema',
  },
  {
    id: 'DISCOVERY-IMAGE-MATCHES-SCHEMA',
    title: "image records validate against the target's own image schema",
    level: 'MUST',
    source: apiRef('create-image', 'create image / show image'),
    needs: [],
    passes: 'the bodies of POST /v2/images and GET /v2/images/{id} validate against GET /v2/schemas/image',
  },

  // ── Item 1: location updates vs. image status ─────────────────────────────────────────────────
  {
    id: 'LOC-REMOVE-QUEUED-409',
    title: 'remove location on a queued image → 409',
    level: 'MUST',
    source: LOCATIONS_409,
    needs: [...LOCATIONS],
    passes: 'PATCH remove /locations/0 on a queued image answers 409 and the image stays queued',
  },
  {
    id: 'LOC-REMOVE-SAVING-409',
    title: 'remove location on a saving image → 409',
    level: 'MUST',
    source: LOCATIONS_409,
    needs: [...LOCATIONS, 'image-data'],
    passes: 'while an upload is held open (status saving), PATCH remove /locations/0 answers 409',
  },
  {
    id: 'LOC-REMOVE-UPLOADING-409',
    title: 'remove location on an uploading (staged) image → 409',
    level: 'MUST',
    source: LOCATIONS_409,
    needs: [...LOCATIONS, 'staging'],
    passes: 'after PUT /stage (status uploading), PATCH remove /locations/0 answers 409',
  },
  {
    id: 'LOC-REMOVE-DEACTIVATED-409',
    title: 'remove location on a deactivated image → 409',
    level: 'MUST',
    source: LOCATIONS_409,
    needs: [...LOCATIONS, 'image-data', 'deactivate'],
    passes: 'on a deactivated image with two locations, PATCH remove /locations/1 answers 409 and both locations stay',
  },
  {
    id: 'LOC-REMOVE-ACTIVE-OK',
    title: 'remove location on an active image with two locations succeeds',
    level: 'MUST',
    source: LOCATIONS_409,
    needs: [...LOCATIONS, 'image-data'],
    passes:
      'the location added with /locations/- is the last (RFC 6902 §4.1); PATCH remove of it on an active image ' +
      'with two locations answers 200, leaves exactly the other location, and the image data still downloads',
  },
  {
    id: 'LOC-REPLACE-SAVING-409',
    title: 'replace locations on a saving image → 409',
    level: 'MUST',
    source: LOCATIONS_409,
    needs: [...LOCATIONS, 'image-data'],
    passes: 'while an upload is held open (status saving), PATCH replace /locations answers 409',
  },
  {
    id: 'LOC-REPLACE-UPLOADING-409',
    title: 'replace locations on an uploading (staged) image → 409',
    level: 'MUST',
    source: LOCATIONS_409,
    needs: [...LOCATIONS, 'staging'],
    passes: 'after PUT /stage (status uploading), PATCH replace /locations answers 409',
  },
  {
    id: 'LOC-REPLACE-DEACTIVATED-409',
    title: 'replace locations on a deactivated image → 409',
    level: 'MUST',
    source: LOCATIONS_409,
    needs: [...LOCATIONS, 'image-data', 'deactivate'],
    passes: 'on a deactivated image, PATCH replace /locations answers 409 and the image stays deactivated',
  },
  {
    id: 'LOC-REPLACE-ACTIVE-OK',
    title: 'replace locations on an active image succeeds',
    level: 'MUST',
    source: LOCATIONS_409,
    needs: [...LOCATIONS, 'image-data'],
    passes:
      'PATCH replace /locations with the same URLs in reverse order and new metadata answers 200, the locations ' +
      'show in the order sent with the metadata stored, and the name, tags and extra properties stay as they were',
  },
  {
    id: 'LOC-REPLACE-QUEUED-ACTIVATES',
    title: 'replace locations on a queued image succeeds and makes it active',
    level: 'MUST',
    source: LOCATIONS_409,
    needs: [...LOCATIONS],
    passes:
      "PATCH replace /locations on a queued image answers 200, status becomes active and size is the location's size",
  },
  {
    id: 'LOC-ADD-DEACTIVATED-409',
    title: 'add location on a deactivated image → 409',
    level: 'MUST',
    source: apiRef(
      'update-image',
      'update image — 409 when adding a location to a non-active/queued image (since 2.4)',
    ),
    needs: [...LOCATIONS, 'image-data', 'deactivate'],
    passes: 'on a deactivated image, PATCH add /locations/- answers 409',
  },
  {
    id: 'LOC-REMOVE-LAST-403',
    title: 'removing the only location of an active image → 403',
    level: 'MUST',
    source: apiRef('update-image', 'update image — 403 on removing the last location (since 2.4)'),
    needs: [...LOCATIONS, 'image-data'],
    passes: 'PATCH remove /locations/0 on an active image with one location answers 403 and the image keeps its data',
  },
  {
    id: 'LOC-REPLACE-EMPTY-403',
    title: 'replacing locations with an empty list → 403',
    level: 'MUST',
    source: apiRef('update-image', 'update image — 403 on replacing locations with an empty list (since 2.4)'),
    needs: [...LOCATIONS, 'image-data'],
    passes: 'PATCH replace /locations [] on an active image answers 403 and the image keeps its locations',
  },
  {
    id: 'LOC-HIDDEN-403',
    title: 'with locations hidden, every location update → 403',
    level: 'MUST',
    source: {
      clause: 'glance-api.conf show_multiple_locations = False',
      url: 'https://docs.openstack.org/glance/latest/configuration/glance_api.html',
    },
    needs: ['hidden-locations'],
    passes: 'image records have no locations key, and PATCH add/replace/remove on /locations each answer 403',
  },

  // Positions and list rules of the location list (RFC 6901/6902 as Glance's patch media type adopts them).
  {
    id: 'LOC-ADD-INDEX-INSERTS',
    title: 'add at /locations/0 inserts the location first',
    level: 'MUST',
    source: rfc(6902, '4.1'),
    needs: [...LOCATIONS, 'image-data'],
    passes:
      'PATCH add /locations/0 on an active image answers 200 and the new location comes first, the others after it ' +
      'in their order',
  },
  {
    id: 'LOC-ADD-INDEX-PAST-END-400',
    title: 'add at an index past the end of the location list is refused',
    level: 'MUST',
    source: {
      clause: 'RFC 6902 §4.1 ("the specified index MUST NOT be greater than the number of elements") and §5',
      url: 'https://www.rfc-editor.org/rfc/rfc6902#section-4.1',
    },
    needs: [...LOCATIONS, 'image-data'],
    passes:
      'PATCH add /locations/N with N greater than the number of locations answers 400 and the locations stay ' +
      '(Glance 25.1 appends: 200)',
  },
  {
    id: 'LOC-REMOVE-INDEX-MISSING-400',
    title: 'remove of a location that does not exist → 400',
    level: 'MUST',
    source: {
      clause: 'RFC 6902 §4.2 ("the target location MUST exist")',
      url: 'https://www.rfc-editor.org/rfc/rfc6902#section-4.2',
    },
    needs: [...LOCATIONS, 'image-data'],
    passes:
      'on an active image with two locations, PATCH remove /locations/5 and /locations/x each answer 400 and both ' +
      'locations stay',
  },
  {
    id: 'LOC-REMOVE-DASH-400',
    title: 'remove /locations/- (the element after the last) → 400',
    level: 'MUST',
    source: {
      clause: 'RFC 6901 §4 ("-" names the nonexistent element after the last) and RFC 6902 §4.2',
      url: 'https://www.rfc-editor.org/rfc/rfc6901#section-4',
    },
    needs: [...LOCATIONS, 'image-data'],
    passes:
      'on an active image with two locations, PATCH remove /locations/- answers 400 and both locations stay ' +
      '(Glance 25.1 removes the last one: 200)',
  },
  {
    id: 'LOC-INDEX-LEADING-ZERO-400',
    title: 'a location index with a leading zero is not an index → 400',
    level: 'MUST',
    source: {
      clause: 'RFC 6901 §4 ("leading zeros are not allowed")',
      url: 'https://www.rfc-editor.org/rfc/rfc6901#section-4',
    },
    needs: [...LOCATIONS, 'image-data'],
    passes:
      'on an active image with two locations, PATCH add /locations/01 and remove /locations/01 each answer 400 and ' +
      'the locations stay',
  },
  {
    id: 'LOC-ADD-DUPLICATE-400',
    title: 'adding a location URL the image already has → 400',
    level: 'SHOULD',
    source: {
      clause: 'Glance\'s location list (glance/location.py, DuplicateLocation): "The location <url> already exists"',
      url: GLANCE_LOCATION_SETTER,
    },
    needs: [...LOCATIONS, 'image-data'],
    passes:
      'PATCH add /locations/- with the URL of a location the active image already has answers 400 and the ' +
      'locations stay as they were',
  },
  {
    id: 'LOC-REPLACE-ACTIVE-OTHER-URLS-400',
    title: "replacing an active image's locations with other URLs → 400",
    level: 'SHOULD',
    source: {
      clause:
        "Glance's location list (glance/location.py): only a replace that keeps the URL set may change an image " +
        'with locations ("Original locations is not empty")',
      url: GLANCE_LOCATION_SETTER,
    },
    needs: [...LOCATIONS, 'image-data'],
    passes:
      'PATCH replace /locations with a URL the image does not have, on an active image, answers 400; the locations ' +
      'and the downloaded bytes stay the uploaded ones',
  },
  {
    id: 'LOC-ADD-VALIDATION-DATA-SET',
    title: "a queued image takes the checksum and hash its new location's validation_data vouches for",
    level: 'MUST',
    source: VALIDATION_DATA,
    needs: [...LOCATIONS, 'image-data'],
    passes:
      'on a queued image, PATCH add /locations/- whose validation_data holds checksum, os_hash_algo (the ' +
      "target's own) and os_hash_value answers 200, the image is active and shows exactly those values; without " +
      'checksum it shows the hash and checksum null; a replace with two locations vouching for the same values ' +
      'answers 200 likewise',
  },
  {
    id: 'LOC-ADD-VALIDATION-DATA-MATCH-409',
    title: 'validation_data that differs from what a non-queued image has → 409',
    level: 'MUST',
    source: VALIDATION_DATA,
    needs: [...LOCATIONS, 'image-data'],
    passes:
      "on an active uploaded image, add /locations/- with the image's own checksum and hash answers 200; with " +
      'another os_hash_value or another checksum it answers 409; on an image made active by a location (no ' +
      'checksum, no hash) any validation_data answers 409; refused adds change neither locations nor values',
  },
  {
    id: 'LOC-ADD-VALIDATION-DATA-INVALID-409',
    title: 'malformed or conflicting validation_data on a queued image → 409, image unchanged',
    level: 'SHOULD',
    source: {
      clause:
        "Glance's image controller (glance/api/v2/images.py, _validate_validation_data): Conflict for values " +
        'that conflict, a checksum that is not 16 hex bytes, an os_hash_algo other than hashing_algorithm, an ' +
        'os_hash_value that is not a hex digest of its size',
      url: GLANCE_IMAGES_PY,
    },
    needs: [...LOCATIONS, 'image-data'],
    passes:
      'on a queued image, add /locations/- with a non-hex checksum, another os_hash_algo than the ' +
      "target's, a non-hex os_hash_value or one of half the size, and a replace with two locations vouching " +
      'for different hashes, each answer 409; the image stays queued without locations, checksum or hash',
  },
  {
    id: 'PATCH-POINTER-ESCAPES',
    title: 'patch paths decode ~1 to / and ~0 to ~, and refuse other escapes',
    level: 'MUST',
    source: patchMediaType('restricted JSON pointers, "~" and "/" encoded as "~0" and "~1", evaluated per RFC 6901 §4'),
    needs: [],
    passes:
      'PATCH add /conformance~0x~1y and /conformance~01 answer 200 and set the properties "conformance~x/y" and ' +
      '"conformance~1"; a path with "~2" answers 400 and sets nothing',
  },
  {
    id: 'PATCH-MEDIA-TYPE-415',
    title: 'a PATCH in another media type → 415, image unchanged',
    level: 'MUST',
    source: patchMediaType('overview — "An unsupported media type will result in an HTTP error response with the 415"'),
    needs: [],
    passes:
      'PATCH with Content-Type application/json-patch+json or application/json answers 415 and the image keeps ' +
      'its properties',
  },
  {
    id: 'PATCH-V20-MEDIA-TYPE',
    title: 'the deprecated v2.0 patch media type (draft-4 operation objects) still updates images',
    level: 'MUST',
    source: patchMediaType('overview — "two media types are supported" (openstack-images-v2.0-json-patch deprecated)'),
    needs: [],
    passes:
      'with application/openstack-images-v2.0-json-patch, {"add": "/p", "value": …}, {"replace": "/p", …} and ' +
      '{"remove": "/p"} answer 200 and add, change and remove the property; an add of a property the image has ' +
      'answers 409 (draft 4: add never overwrites)',
  },
  {
    id: 'PATCH-REPLACE-MISSING-409',
    title: 'replace or remove of a property the image does not have → 409',
    level: 'MUST',
    source: rfc(6902, '4.3'),
    needs: [],
    passes:
      'PATCH replace /p and remove /p, where the image has no property p, each answer 409 (RFC 5789 §2.2 ' +
      '"Conflicting state") and the image gains no property',
  },
  {
    id: 'PATCH-READ-ONLY-403',
    title: 'a PATCH of a read-only or reserved attribute → 403, image unchanged',
    level: 'SHOULD',
    source: {
      clause:
        "Glance's image controller (glance/api/v2/images.py, _readonly_properties, _reserved_properties, " +
        'os_glance_ prefix): Forbidden "Attribute \'…\' is read-only." / "… is reserved."',
      url: 'https://opendev.org/openstack/glance/src/tag/25.1.0/glance/api/v2/images.py',
    },
    needs: [],
    passes:
      'PATCH replace of each read-only attribute (id, status, checksum, size, virtual_size, created_at, ' +
      'updated_at, self, file, schema, direct_url, os_hash_algo, os_hash_value) and add of each reserved ' +
      'one (location, deleted, deleted_at, os_glance_*) answers 403, and removing a base attribute (name, ' +
      'min_ram) answers 403; the image stays as it was',
  },
  {
    id: 'PATCH-ATTRIBUTES-SET',
    title: "PATCH replace sets the image's own attributes to the values sent",
    level: 'MUST',
    source: apiRef('update-image', 'update image — replace name, visibility, protected, os_hidden, min_ram, …'),
    needs: [],
    passes:
      'on a queued image, one PATCH replacing name, visibility (private), protected, os_hidden, min_ram, ' +
      'min_disk, disk_format, container_format and tags (with a duplicate) answers 200, and the image shows each ' +
      'value (tags without the duplicate)',
  },

  {
    id: 'PATCH-DOCUMENT-MALFORMED-400',
    title: 'a malformed patch document → 400, image unchanged',
    level: 'MUST',
    source: patchMediaType(
      'operations — a list of JSON objects; "op" one of add, remove, replace; "path" a string; add and replace ' +
        'need "value"; an object without a recognized operation member is an error (RFC 5789 §2.2: 400)',
    ),
    needs: [],
    passes:
      'PATCH with an object instead of a list, an operation that is a string or null, without op, with op ' +
      '"move", without path, with a path that is a number, add or replace without value, and (v2.0 media ' +
      'type) an operation object with two operation members or none, each answer 400; the image gains nothing',
  },
  {
    id: 'PATCH-POINTER-MALFORMED-400',
    title: 'a patch path that is not one reference token after "/" → 400, image unchanged',
    level: 'MUST',
    source: patchMediaType(
      'restricted JSON pointers — "exactly one reference token, prefixed by a \'/\'" (the location list: ' +
        'one element more for add and remove)',
    ),
    needs: [],
    passes:
      'PATCH add at conformance_p (no "/"), /conformance_p/ (trailing "/"), /conformance_a//b (adjacent "/"), ' +
      '/conformance_a/b (two tokens), the v2.0 add at conformance_p, remove /locations and replace ' +
      '/locations/0 each answer 400 and the image gains nothing',
  },
  {
    id: 'PATCH-415-ACCEPT-PATCH',
    title: "a 415 to a PATCH names Glance's patch media types in Accept-Patch",
    level: 'SHOULD',
    source: rfc(5789, '2.2'),
    needs: [],
    passes:
      'PATCH with Content-Type application/json-patch+json answers 415 with an Accept-Patch header listing ' +
      'application/openstack-images-v2.0-json-patch and application/openstack-images-v2.1-json-patch',
  },
  {
    id: 'PATCH-FORMAT-QUEUED-ONLY-403',
    title: 'disk_format and container_format of an image that is not queued → 403',
    level: 'SHOULD',
    source: {
      clause:
        'Glance\'s image domain (glance/domain/__init__.py): Forbidden "Attribute disk_format can be only ' +
        'replaced for a queued image." (container_format alike)',
      url: 'https://opendev.org/openstack/glance/src/tag/25.1.0/glance/domain/__init__.py',
    },
    needs: ['image-data'],
    passes:
      'on an active image, PATCH replace /disk_format and replace /container_format each answer 403 and the ' +
      'formats stay; replace /min_ram on the same image answers 200',
  },
  {
    id: 'PATCH-PUBLICIZE-NON-ADMIN-403',
    title: 'a PATCH making an image public by a caller who is not an admin → 403, visibility unchanged',
    level: 'SHOULD',
    source: {
      clause:
        'Glance policy reference: "publicize_image  Default: role:admin  Operations: PATCH ' +
        '/v2/images/{image_id}  Publicize given image" (a default the operator may override in policy.yaml)',
      url: 'https://docs.openstack.org/glance/latest/configuration/glance_policy.html',
    },
    needs: [],
    passes:
      "when the suite identity is shown not to be an admin (another project's private image, made by the admin " +
      'identity, answers it 404), PATCH replace /visibility public on its own image answers 403 and the image ' +
      'stays shared',
  },

  // ── API 2.17: the location API ────────────────────────────────────────────────────────────────
  {
    id: 'LOCATIONS-API-ADD-QUEUED-202',
    title: 'POST /locations on a queued image → 202, then active with exactly that location',
    level: 'MUST',
    source: locationApi('add location — queued images only, imported asynchronously'),
    needs: [...LOCATION_API],
    passes:
      'POST /v2/images/{id}/locations {url} on a queued image answers 202 (the api-ref says 200; Glance, its ' +
      'functional tests and Tempest answer 202 — the catalog follows them), the image becomes active, GET ' +
      "/locations lists exactly that URL, size is the location's, and GET /file returns the bytes behind the URL",
  },
  {
    id: 'LOCATIONS-API-ADD-NOT-QUEUED-409',
    title: 'POST /locations on an image that is not queued → 409, image unchanged',
    level: 'MUST',
    source: locationApi('add location — 409 unless the image is queued'),
    needs: [...LOCATION_API, 'image-data'],
    passes:
      'on saving, uploading, active and deactivated images POST /locations answers 409 and the image keeps its ' +
      'status and locations',
  },
  {
    id: 'LOCATIONS-API-ADD-INVALID-400',
    title: 'POST /locations with a malformed body or validation_data → 400',
    level: 'MUST',
    source: locationApi('add location — 400 on a body the location schema refuses or invalid validation_data'),
    needs: [...LOCATION_API],
    passes:
      'no url, a url that is not a string, an unknown os_hash_algo, an os_hash_value that is not hex (non-hex ' +
      'digits first, a byte split by a space) or not the digest size, an unknown validation_data key, ' +
      "os_hash_value without os_hash_algo and os_hash_algo without os_hash_value (the schema's dependentRequired) " +
      '→ 400 each, and the image stays queued without locations',
  },
  {
    id: 'LOCATIONS-API-HASH-MISMATCH',
    title: 'a location whose data does not match validation_data never activates the image',
    level: 'MUST',
    source: locationApi('add location — validation_data checked against the data before the image becomes active'),
    needs: [...LOCATION_API],
    passes:
      'POST /locations with an os_hash_value (sha512) of other bytes: the image never becomes active, before or ' +
      'after the import task ends',
  },
  {
    id: 'LOCATIONS-API-NON-SERVICE-HTTP-ONLY',
    title: 'a caller without the service role may add http locations to its image, and no other scheme',
    level: 'MUST',
    source: {
      clause:
        'Image API v2.17: add location — "only allowed for the owner or a user with the service role"; Glance ' +
        '30.0 add_location: without the service role "http store must be enabled to use location API by normal ' +
        'user" (403), the OSSN-0090/OSSN-0065 fix',
      url: 'https://opendev.org/openstack/glance/src/tag/30.0.0/glance/api/v2/images.py',
    },
    needs: [...LOCATION_API],
    passes:
      "judged where GET /locations refuses the suite's identity (403: no service role): POST /locations with a " +
      'swift+https URL answers 403 and the image stays queued; with an http URL on another of its images, 202 and ' +
      'the image becomes active (not-applicable where policy refuses it every POST)',
  },
  {
    id: 'LOCATIONS-API-GET',
    title: 'GET /locations lists url and metadata only',
    level: 'MUST',
    source: locationApi('get locations — a list of url and metadata'),
    needs: [...LOCATION_API],
    passes:
      'GET /v2/images/{id}/locations answers 200 with a JSON list whose items have exactly the keys url and ' +
      'metadata (no id, no status), and it holds the URL added by POST /locations',
  },
  {
    id: 'LOCATIONS-API-HASHES',
    title: 'an image imported from a location shows the size and secure hash of the data behind it',
    level: 'MUST',
    source: {
      clause:
        'Image API v2.17: add location — validation_data (os_hash_algo, os_hash_value), and the image properties ' +
        'os_hash_value ("the hexdigest of the secure hash of the image data computed using the algorithm whose ' +
        'name is the value of os_hash_algo") and checksum (md5 or null); Glance computes them on the fly ' +
        '(do_secure_hash, default True)',
      url: `${API_REF}#add-location`,
    },
    needs: [...LOCATION_API],
    passes:
      'POST /locations without validation_data: 202, then active with the size of the data, os_hash_value the ' +
      'hexdigest of the data in os_hash_algo (sha512 by default) and checksum null or its md5; with validation_data ' +
      'naming sha256 and the sha256 of the data: 202, then active with os_hash_algo sha256 and that os_hash_value ' +
      '(a deployment with do_secure_hash = False fills no hashes and fails)',
  },
  {
    id: 'LOCATIONS-API-FAILED-QUEUED',
    title: 'a location import that fails never activates the image and leaves it queued without hashes',
    level: 'MUST',
    source: {
      clause:
        'Image API v2: image status — queued: "did not yet upload any image data", active: "ready for ' +
        'consumption"; Glance\'s location_import flow reverts a failed import: "Set image status back to queued ' +
        'and set the hash values to None"',
      url: 'https://opendev.org/openstack/glance/src/tag/30.0.0/glance/async_/flows/location_import.py',
    },
    needs: [...LOCATION_API],
    passes:
      'POST /locations answers 202 (or 400 at once) for validation_data of other bytes, an image without ' +
      'disk_format and container_format (with and without validation_data of the data), and — with the ' +
      "suite's own location server — a location that drops the connection and one whose GET answers 500; " +
      'once the import task is over the image has never shown active and is queued with checksum, os_hash_algo ' +
      'and os_hash_value null',
  },

  // ── Item 2: Virtuozzo ─────────────────────────────────────────────────────────────────────────
  {
    id: 'HYPERVISOR-NAMESPACE-VZ',
    title: 'OS::Compute::Hypervisor lists vz in hypervisor_type',
    level: 'MUST',
    source: specLite('add Virtuozzo (vz) to the hypervisor_type metadef'),
    needs: ['metadefs'],
    passes:
      'GET /v2/metadefs/namespaces/OS::Compute::Hypervisor → 200 with properties.hypervisor_type.enum containing "vz"',
  },
  {
    id: 'HYPERVISOR-PROPERTY-VZ',
    title: 'the hypervisor_type property lists vz',
    level: 'MUST',
    source: specLite('add Virtuozzo (vz) to the hypervisor_type metadef'),
    needs: ['metadefs'],
    passes:
      'GET …/OS::Compute::Hypervisor/properties/hypervisor_type → 200, name hypervisor_type, enum containing "vz"',
  },
  {
    id: 'HYPERVISOR-SCHEMA-VALID',
    title: 'the hypervisor namespace and property validate against the metadef schemas',
    level: 'MUST',
    source: {
      clause: 'Metadata definitions API: namespace and property schemas',
      url: `${METADEFS_REF}#get-namespace-details`,
    },
    needs: ['metadefs'],
    passes:
      'the namespace body validates against /v2/schemas/metadefs/namespace and the property against ' +
      '/v2/schemas/metadefs/property (schemas named namespace and property)',
  },
  {
    id: 'HYPERVISOR-NAMESPACE-LISTED',
    title: 'OS::Compute::Hypervisor appears in the namespace list',
    level: 'MUST',
    source: { clause: 'Metadata definitions API: list namespaces', url: `${METADEFS_REF}#list-namespaces` },
    needs: ['metadefs'],
    passes: 'GET /v2/metadefs/namespaces (following next links) includes OS::Compute::Hypervisor',
  },
  {
    id: 'HYPERVISOR-LISTED-FOR-IMAGES',
    title: 'OS::Compute::Hypervisor is listed for the resource type OS::Glance::Image',
    level: 'MUST',
    source: {
      clause: 'Metadata definitions API: list namespaces, resource_types filter',
      url: `${METADEFS_REF}#list-namespaces`,
    },
    needs: ['metadefs'],
    passes:
      'GET /v2/metadefs/namespaces?resource_types=OS::Glance::Image (following next links) includes ' +
      'OS::Compute::Hypervisor — how image clients find hypervisor_type',
  },

  // ── Item 3: ploop ─────────────────────────────────────────────────────────────────────────────
  {
    id: 'DISK-FORMAT-PLOOP-SCHEMA',
    title: 'the image schema lists ploop as a disk_format',
    level: 'MUST',
    source: specLite('add ploop to the default disk_formats'),
    needs: [],
    passes: 'GET /v2/schemas/image → properties.disk_format.enum contains "ploop"',
  },
  {
    id: 'DISK-FORMAT-PLOOP-CREATE',
    title: 'an image can be created with disk_format ploop',
    level: 'MUST',
    source: specLite('add ploop to the default disk_formats'),
    needs: [],
    passes: 'POST /v2/images {disk_format: ploop} → 201, Location header, disk_format ploop in the body and on GET',
  },
  {
    id: 'DISK-FORMAT-PLOOP-DATA',
    title: 'a ploop image uploads and downloads byte for byte',
    level: 'MUST',
    source: specLite('add ploop to the default disk_formats'),
    needs: ['image-data'],
    passes: 'PUT /file → 204, image active with size and md5 checksum of the bytes; GET /file returns the same bytes',
  },
  {
    id: 'DISK-FORMAT-UNKNOWN-400',
    title: 'an unknown disk_format is refused with 400',
    level: 'MUST',
    source: apiRef('create-image', 'create image — 400 on invalid values'),
    needs: [],
    passes: 'POST /v2/images {disk_format: <not in the enum>} → 400 and no image is created',
  },

  // ── Item 4: Range downloads ───────────────────────────────────────────────────────────────────
  {
    id: 'RANGE-SINGLE-206',
    title: 'a satisfiable byte range → 206 with Content-Range and exactly those bytes',
    level: 'MUST',
    source: rfc(7233, '4.1'),
    needs: ['image-data'],
    passes: '206, Content-Range: bytes F-L/SIZE, Content-Length L-F+1, body = the uploaded bytes F..L',
  },
  {
    id: 'RANGE-OPEN-ENDED-206',
    title: 'an open-ended range (bytes=N-) → 206 to the last byte',
    level: 'MUST',
    source: rfc(7233, '2.1'),
    needs: ['image-data'],
    passes: '206, Content-Range: bytes N-(SIZE-1)/SIZE, body = bytes N..end',
  },
  {
    id: 'RANGE-SUFFIX-206',
    title: 'a suffix range (bytes=-N) → 206 with the last N bytes',
    level: 'MUST',
    source: rfc(7233, '2.1'),
    needs: ['image-data'],
    passes: '206 with the last min(N, SIZE) bytes and the matching Content-Range',
  },
  {
    id: 'RANGE-END-CLAMPED-206',
    title: 'a last-byte-pos past the end is clamped → 206',
    level: 'MUST',
    source: rfc(7233, '2.1'),
    needs: ['image-data'],
    passes: 'bytes=F-(huge) → 206, Content-Range: bytes F-(SIZE-1)/SIZE, body = bytes F..end',
  },
  {
    id: 'RANGE-START-BEYOND-416',
    title: 'a range starting at or after the end → 416',
    level: 'SHOULD',
    source: rfc(7233, '4.4'),
    needs: ['image-data'],
    passes: 'bytes=SIZE-, bytes=SIZE-(SIZE+8), bytes=(SIZE+8)- → 416 and no image bytes',
  },
  {
    id: 'RANGE-SUFFIX-ZERO-416',
    title: 'a zero-length suffix (bytes=-0) is unsatisfiable → 416',
    level: 'SHOULD',
    source: rfc(7233, '2.1'),
    needs: ['image-data'],
    passes: 'bytes=-0 → 416 (a suffix-length of 0 selects nothing)',
  },
  {
    id: 'RANGE-416-CONTENT-RANGE',
    title: 'a 416 carries Content-Range: bytes */SIZE',
    level: 'SHOULD',
    source: rfc(7233, '4.4'),
    needs: ['image-data'],
    passes: 'every 416 to a byte-range request has Content-Range: bytes */SIZE',
  },
  {
    id: 'RANGE-EMPTY-IMAGE-416',
    title: 'any range of a 0-byte image → 416',
    level: 'SHOULD',
    source: rfc(7233, '2.1'),
    needs: ['image-data'],
    passes: 'on an active 0-byte image, bytes=0-4 and bytes=-3 → 416 (never a 206: there is no byte to send)',
  },
  {
    id: 'RANGE-INVALID-IGNORED',
    title: 'a syntactically invalid Range header is ignored → 200 with the whole image',
    level: 'MUST',
    source: rfc(7233, '2.1'),
    needs: ['image-data'],
    passes: 'Range values such as bytes=abc, bytes=5-2, bytes=, bytes=1, bytes=- → 200 and the whole image',
  },
  {
    id: 'RANGE-UNKNOWN-UNIT-IGNORED',
    title: 'a Range in an unknown unit is ignored → 200 with the whole image',
    level: 'MUST',
    source: rfc(7233, '3.1'),
    needs: ['image-data'],
    passes: 'Range: items=0-4 → 200 and the whole image',
  },
  {
    id: 'RANGE-MULTIPLE',
    title: 'multiple ranges → the whole image (200) or a valid multipart/byteranges 206',
    level: 'SHOULD',
    source: rfc(7233, '3.1'),
    needs: ['image-data'],
    passes:
      'bytes=0-1,4-5 → 200 with the whole image, or 206 multipart/byteranges whose parts carry exactly those bytes',
  },
  {
    id: 'RANGE-CASE-INSENSITIVE',
    title: 'the Range field name and the bytes unit are case-insensitive',
    level: 'MUST',
    source: rfc(7230, '3.2'),
    needs: ['image-data'],
    passes: 'range:/RANGE: field names and BYTES=/Bytes= units → the same 206 as Range: bytes=',
  },
  {
    id: 'RANGE-WHITESPACE',
    title: 'whitespace around the Range value does not change the answer',
    level: 'MUST',
    source: rfc(7230, '3.2.4'),
    needs: ['image-data'],
    passes: 'Range: "  bytes=0-4  " and "\tbytes=0-4" (OWS around the field value) → the same 206 as "bytes=0-4"',
  },
  {
    id: 'RANGE-EMPTY-LIST-ELEMENT',
    title: 'empty elements of the byte-range list are ignored: one range stays one range',
    level: 'MUST',
    source: rfc(7230, '7'),
    needs: ['image-data'],
    passes:
      'Range: bytes=0-4, and bytes=0-4 ,  (an empty list element, OWS around the comma) and bytes=, SP HT SP 0-4 ' +
      'SP HT SP , (runs of OWS) → the same 206 as bytes=0-4',
  },
  {
    id: 'RANGE-IF-RANGE-MISMATCH',
    title: 'a Range with a non-matching If-Range → 200 with the whole image',
    level: 'MUST',
    source: rfc(7233, '3.2'),
    needs: ['image-data'],
    passes: 'Range: bytes=0-4 with If-Range: "no-such-etag" → 200 and the whole image',
  },
  {
    id: 'RANGE-IF-RANGE-MATCH-206',
    title: 'a Range with an If-Range matching the current ETag → 206',
    level: 'SHOULD',
    source: rfc(7233, '3.2'),
    needs: ['image-data'],
    passes:
      'when a download carries a strong ETag, Range: bytes=0-4 with If-Range: <that ETag> → 206 bytes 0-4 ' +
      '(not-applicable when the target sends no strong ETag)',
  },
  {
    id: 'RANGE-DEPRECATED-CONTENT-RANGE',
    title: 'the deprecated Content-Range request header still selects a range',
    level: 'MUST',
    source: specLite('Range header for partial download — retain Content-Range requests'),
    needs: ['image-data'],
    passes:
      'Content-Range: bytes F-L/SIZE and bytes F-L/* (no Range) → 206 with Content-Range: bytes F-L/SIZE and those ' +
      'bytes',
  },
  {
    id: 'RANGE-RANGE-WINS',
    title: 'when both are sent, Range wins over the deprecated Content-Range',
    level: 'MUST',
    source: specLite('Range header for partial download'),
    needs: ['image-data'],
    passes: 'Range: bytes=0-1 with Content-Range: bytes 12-30/SIZE → 206 bytes 0-1',
  },
  {
    id: 'RANGE-DEPRECATED-INVALID-NO-5XX',
    title: 'an invalid deprecated Content-Range is refused cleanly, never with 5xx',
    level: 'MUST',
    source: rfc(7231, '6.6'),
    needs: ['image-data'],
    passes:
      'Content-Range: bytes */SIZE, garbage, text before or after the value, a stop past the end (or just one past ' +
      'the last byte), a stop before the start or at or beyond its own length → 200 with the whole image or 416, ' +
      'never 5xx',
  },
  {
    id: 'METADEF-NAMESPACE-WRITE',
    title: 'a metadef namespace can be created, given a property, object and tag, shown, updated and deleted',
    level: 'MUST',
    source: {
      clause:
        'Metadata definitions API: create namespace (201), create property (201), create object (201), create tag ' +
        '(201), get namespace details (200), update namespace (200), delete namespace (204)',
      url: `${METADEFS_REF}#create-namespace`,
    },
    needs: ['metadefs'],
    passes:
      'as the admin identity (or the suite identity without one): POST a namespace of the run associated with ' +
      'OS::Glance::Image (with a prefix) and OS::Nova::Flavor → 201 naming it and echoing the associations as ' +
      'sent; GET /v2/metadefs/resource_types → both types listed, no type listed twice; POST ' +
      'a property, an object and a tag → 201 each, the property echoed as sent; GET the namespace → 200 with its ' +
      'display_name, associations, the property and the object (with its property type); GET its tags → the tag; ' +
      'PUT a new display_name → 200 showing it; DELETE → 204, then GET → 404',
  },
  {
    id: 'METADEF-NAMESPACE-CONFLICTS',
    title: "a namespace name is unique, and a protected namespace is not deleted until it's unprotected",
    level: 'MUST',
    source: {
      clause:
        'Metadata definitions API: create namespace and update namespace (error 409 Conflict), delete namespace ' +
        '("If the namespace is protected … you must first set the protected attribute to false on the namespace ' +
        'before you will be permitted to delete it. If you try to delete a protected namespace, the call returns ' +
        'the 403 response code.")',
      url: `${METADEFS_REF}#delete-namespace`,
    },
    needs: ['metadefs'],
    passes:
      'as the admin identity (or the suite identity without one), with two namespaces of the run, the second ' +
      'protected: POST the first name again → 409; PUT the first renamed to the second name → 409, the first still ' +
      'shown under its name; DELETE the protected one → 403, still shown; PUT it with protected false → 200, then ' +
      'DELETE → 204',
  },
  {
    id: 'METADEF-NAMESPACE-LOOKUPS',
    title: "a namespace's properties, objects and tags are listed and shown by name, as the target's schemas describe",
    level: 'MUST',
    source: {
      clause:
        'Metadata definitions API: list properties, list objects, show object, list tags, get tag definition (200; ' +
        '404 for an unknown name); get namespace details, resource_type (the prefix applied to the properties listed)',
      url: `${METADEFS_REF}#list-objects`,
    },
    needs: ['metadefs'],
    passes:
      'in a private namespace of the run (created as the admin identity, or the suite identity without one, with an ' +
      'owner named, an OS::Glance::Image association with a prefix, a property, an object with a required property ' +
      'and a tag): GET …/properties, …/objects, …/tags → 200 listing them; GET …/objects/{name} and …/tags/{name} → ' +
      '200 with the name and created_at, the object with its properties, required list and self link; an unknown ' +
      'object or tag → 404; GET the namespace ?resource_type=OS::Glance::Image → its self link, its property and the ' +
      "object's properties and required names with the prefix; every document validates against " +
      '/v2/schemas/metadefs/{namespace, properties, objects, object, tags, tag}',
  },
  {
    id: 'METADEF-RESOURCE-TYPES',
    title: 'the resource types are listed, a namespace names its associations and prefixes, and is listed by them',
    level: 'MUST',
    source: {
      clause:
        'Metadata definitions API: list resource types (200), list resource type associations (200), list ' +
        'namespaces, resource_types (comma-separated); Glance metadefs concepts: the prefix "hw_" for images and ' +
        '"hw:" for flavors',
      url: `${METADEFS_REF}#list-resource-types`,
    },
    needs: ['metadefs'],
    passes:
      'GET …/namespaces/OS::Compute::Hypervisor/resource_types → 200 naming OS::Glance::Image; ' +
      '…/OS::Compute::Libvirt/resource_types → OS::Glance::Image with prefix hw_ and OS::Nova::Flavor with prefix ' +
      'hw:, both lists valid against /v2/schemas/metadefs/resource_types; GET /v2/metadefs/resource_types → 200 ' +
      'listing every one of these types, each with its created_at; an unknown namespace → 404; GET ' +
      '/v2/metadefs/namespaces?resource_types=OS::Nova::Flavor (following next links) lists OS::Compute::Libvirt ' +
      'and not OS::Compute::Hypervisor, ?resource_types=OS::Nova::Flavor,OS::Glance::Image lists both',
  },
  {
    id: 'METADEF-PREFIX',
    title: "a property is found by the name its resource type's prefix gives it",
    level: 'MUST',
    source: {
      clause:
        'Metadata definitions API: show property definition, resource_type (the prefix removed before the lookup); ' +
        'get namespace details, resource_type (the prefix applied to the property names)',
      url: `${METADEFS_REF}#show-property-definition`,
    },
    needs: ['metadefs'],
    passes:
      'OS::Compute::Libvirt: GET …/properties/hw_boot_menu?resource_type=OS::Glance::Image and …/hw:boot_menu' +
      '?resource_type=OS::Nova::Flavor → 200, the boot_menu property; boot_menu?resource_type=OS::Glance::Image and ' +
      'hw_boot_menu without a resource_type → 404; GET the namespace ?resource_type=OS::Glance::Image → each ' +
      'property named hw_ + its name, ?resource_type=OS::Cinder::Volume (no association) → the names unchanged',
  },
  {
    id: 'METADEF-VISIBILITY-FILTER',
    title: '?visibility= lists only the namespaces of that visibility',
    level: 'MUST',
    source: {
      clause: 'Metadata definitions API: list namespaces, visibility (filters the response by a visibility value)',
      url: `${METADEFS_REF}#list-namespaces`,
    },
    needs: ['metadefs'],
    passes:
      'GET /v2/metadefs/namespaces?visibility=public (following next links) → 200, OS::Compute::Hypervisor among ' +
      'them and every entry public; ?visibility=private → 200, every entry private',
  },
  {
    id: 'METADEF-PRIVATE-HIDDEN',
    title: "a private namespace is shown to its owner's project and to no other",
    level: 'MUST',
    source: {
      clause:
        'Metadata definitions API: visibility public or private (default private), "all users may list and show ' +
        'public resources"; Glance 25.1 metadef namespace visibility (glance/db/sqlalchemy/metadef_api/namespace.py: ' +
        'visible to admins, its owner, or when public)',
      url: 'https://opendev.org/openstack/glance/src/tag/25.1.0/glance/db/sqlalchemy/metadef_api/namespace.py',
    },
    needs: ['metadefs'],
    passes:
      "with an admin identity besides the suite's (else not-applicable): two private namespaces created by the " +
      "admin, one owned by the suite identity's project (the owner of an image it creates), one by another project; " +
      'the suite identity gets 200 for its own and 404 for the other (the admin 200), and its ' +
      '?visibility=private listing holds its own and not the other',
  },
  {
    id: 'ACTIONS-REACTIVATE-204',
    title: 'reactivating a deactivated image → 204, and it is active again',
    level: 'MUST',
    source: apiRef('reactivate-image', 'reactivate image — 204'),
    needs: ['image-data', 'deactivate'],
    passes:
      'POST /v2/images/{id}/actions/reactivate on a deactivated image (as the identity that deactivated it) ' +
      'answers 204 and the image shows status active',
  },
  {
    id: 'ACTIONS-REPEAT-NOOP-204',
    title: 'deactivating a deactivated image or reactivating an active one → 204, status unchanged',
    level: 'SHOULD',
    source: {
      clause: "Glance's image domain (glance/domain/__init__.py, Image.deactivate/reactivate): a no-op",
      url: 'https://opendev.org/openstack/glance/src/tag/25.1.0/glance/domain/__init__.py',
    },
    needs: ['image-data', 'deactivate'],
    passes:
      'POST …/actions/deactivate on a deactivated image answers 204 and it stays deactivated; POST …/reactivate ' +
      'on the active image again answers 204 and it stays active',
  },
  {
    id: 'ACTIONS-QUEUED-403',
    title: 'deactivating or reactivating a queued image → 403, status unchanged',
    level: 'MUST',
    source: apiRef('deactivate-image', 'deactivate image / reactivate image — 403'),
    needs: [],
    passes: 'POST …/actions/deactivate and …/actions/reactivate on a queued image each answer 403; it stays queued',
  },
  {
    id: 'ACTIONS-DATA-NOT-QUEUED-409',
    title: 'uploading or staging data to an image that is not queued → 409, image unchanged',
    level: 'MUST',
    source: apiRef(
      'upload-binary-image-data',
      'upload binary image data and stage binary image data — precondition "the image status must be queued"; ' +
        '409 among their errors',
    ),
    needs: ['image-data'],
    passes:
      'on saving, uploading, active and deactivated images PUT /file and PUT /stage each answer 409, and the ' +
      'image keeps its status and size',
  },
  {
    id: 'ACTIONS-DATA-FORMATS-400',
    title: 'uploading data to an image without disk_format or container_format → 400; staging it is allowed',
    level: 'MUST',
    source: apiRef(
      'upload-binary-image-data',
      'upload binary image data — precondition "you must set the disk and container formats in the image", 400 ' +
        'among its errors; stage binary image data has no such precondition',
    ),
    needs: ['image-data'],
    passes:
      'PUT /file on a queued image without both formats, and on one without container_format, answers 400 and ' +
      'it stays queued; PUT /stage on an image without both formats answers 204 and it is uploading (not judged ' +
      'where PUT /stage answers 404: staging not enabled)',
  },
  {
    id: 'RANGE-NO-DATA-204',
    title: 'a Range on an image without data → 204, never 5xx',
    level: 'MUST',
    source: apiRef('download-binary-image-data', 'download image data — 204 when no data exists'),
    needs: [],
    passes: 'GET /file on a queued image → 204 with and without Range / Content-Range headers',
  },
  {
    id: 'RANGE-FULL-200',
    title: 'a download without Range → 200 with the whole image',
    level: 'MUST',
    source: apiRef('download-binary-image-data', 'download image data — 200 for a full download'),
    needs: ['image-data'],
    passes: '200, Content-Length SIZE, body = the uploaded bytes, no Content-Range',
  },
] as const satisfies readonly Requirement[];

export type RequirementId = (typeof requirements)[number]['id'];

const byId = new Map<string, Requirement>(requirements.map((r) => [r.id, r]));

export function findRequirement(id: string): Requirement | undefined {
  return byId.get(id);
}

export const FEATURES = [
  'DISCOVERY',
  'LOC',
  'LOCATIONS-API',
  'PATCH',
  'ACTIONS',
  'METADEF',
  'HYPERVISOR',
  'DISK-FORMAT',
  'RANGE',
] as const;

/** The feature a requirement belongs to: the ID's prefix (`LOC`, `DISK-FORMAT`, …). */
export function featureOf(id: string): string {
  return FEATURES.find((f) => id.startsWith(`${f}-`)) ?? id.split('-')[0];
}
