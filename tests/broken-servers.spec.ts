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
      response: (x) => (isPatch(x.method, x.path) && x.status === 200 && JSON.parse(x.body.toString()).status === 'active' && x.headers['content-type']?.includes('json-patch')
        ? { status: 409, body: Buffer.from('409 Conflict') } : undefined),
    },
    grep: '@LOC-REPLACE-QUEUED-ACTIVATES',
    expected: { 'LOC-REPLACE-QUEUED-ACTIVATES': 'fail' },
    exitCode: 1,
  },
  {
    name: 'drops vz from hypervisor_type',
    mutation: {
      response: (x) => (decodeURIComponent(x.path).includes('OS::Compute::Hypervisor') && x.status === 200
        ? { body: rewriteJson(x.body, (d) => { const p = d.properties?.hypervisor_type ?? d; p.enum = p.enum.filter((v: string) => v !== 'vz'); }) } : undefined),
    },
    grep: '@HYPERVISOR-NAMESPACE-VZ|@HYPERVISOR-PROPERTY-VZ',
    expected: { 'HYPERVISOR-NAMESPACE-VZ': 'fail', 'HYPERVISOR-PROPERTY-VZ': 'fail' },
    exitCode: 1,
  },
  {
    name: 'leaves ploop out of the image schema',
    mutation: {
      response: (x) => (x.path === '/v2/schemas/image' ? { body: rewriteJson(x.body, (d) => { d.properties.disk_format.enum = d.properties.disk_format.enum.filter((v: unknown) => v !== 'ploop'); }) } : undefined),
    },
    grep: '@DISK-FORMAT-PLOOP-SCHEMA',
    expected: { 'DISK-FORMAT-PLOOP-SCHEMA': 'fail' },
    exitCode: 1,
  },
  {
    name: 'ignores every Range header',
    mutation: { request: (_m, _p, h) => { delete h.range; return h; } },
    grep: '@RANGE-SINGLE-206|@RANGE-SUFFIX-206',
    expected: { 'RANGE-SINGLE-206': 'fail', 'RANGE-SUFFIX-206': 'fail' },
    exitCode: 1,
  },
  {
    name: 'sends a Content-Range one byte too long',
    mutation: {
      response: (x) => {
        const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(x.responseHeaders['content-range'] ?? '');
        return x.status === 206 && m ? { responseHeaders: { ...x.responseHeaders, 'content-range': `bytes ${m[1]}-${Number(m[2]) + 1}/${m[3]}` } } : undefined;
      },
    },
    grep: '@RANGE-SINGLE-206',
    expected: { 'RANGE-SINGLE-206': 'fail' },
    exitCode: 1,
  },
  {
    name: 'serves the bytes of a range shifted by one',
    mutation: { response: (x) => (x.status === 206 && x.body.length > 1 ? { body: Buffer.concat([x.body.subarray(1), Buffer.from([0])]) } : undefined) },
    grep: '@RANGE-OPEN-ENDED-206',
    expected: { 'RANGE-OPEN-ENDED-206': 'fail' },
    exitCode: 1,
  },
  {
    name: 'answers 416 without Content-Range (a SHOULD)',
    mutation: { response: (x) => { if (x.status !== 416) return undefined; const h = { ...x.responseHeaders }; delete h['content-range']; return { responseHeaders: h }; } },
    grep: '@RANGE-416-CONTENT-RANGE',
    expected: { 'RANGE-416-CONTENT-RANGE': 'non-strict' },
    exitCode: 0,
  },
  {
    name: 'crashes on a Range for an image without data',
    mutation: { response: (x) => (x.status === 204 && x.method === 'GET' && x.headers.range ? { status: 500, body: Buffer.alloc(0) } : undefined) },
    grep: '@RANGE-NO-DATA-204',
    expected: { 'RANGE-NO-DATA-204': 'fail' },
    exitCode: 1,
  },
  {
    name: 'answers a malformed Range with 416 instead of ignoring it',
    mutation: { response: (x) => (x.status === 200 && x.headers.range && x.path.endsWith('/file') ? { status: 416, body: Buffer.from('416') } : undefined) },
    grep: '@RANGE-INVALID-IGNORED',
    expected: { 'RANGE-INVALID-IGNORED': 'fail' },
    exitCode: 1,
  },
];

for (const c of cases) {
  test(`the suite catches a server that ${c.name}`, async () => {
    const reference = await startReferenceServer({ port: 0 });
    const proxy = await startBrokenProxy(reference.url, c.mutation);
    try {
      const run = await runSuite({ GLANCE_URL: proxy.url }, ['--grep', c.grep]);
      const verdicts = verdictsOf(run.report);
      for (const [id, verdict] of Object.entries(c.expected)) expect(verdicts[id], `${id}\n${run.output}`).toBe(verdict);
      expect(run.exitCode, run.output).toBe(c.exitCode);
    } finally {
      await proxy.close();
      await reference.close();
    }
  });
}
