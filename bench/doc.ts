/** docs/benchmarks.md: how the bench measures, and the tables of one run, rendered from its bench.json. */
import { MiB } from './bytes';
import { loadLine, markdownTable } from './report';
import type { BenchResult } from './run';

const COMMANDS = [
  ['npm run bench', 'reference server vs real Glance (file store); reports/bench.json + .md'],
  ['npm run bench -- --wait-load 1.0 --doc docs/benchmarks.md', 'wait for a quiet machine, rewrite this page + .json'],
  ['npm run bench -- --release 2025.1', 'against Glance 30.0 (Epoxy) instead of 25.1'],
  ['npm run bench -- --quick', 'every code path with 1 and 4 MiB images, reference only (run by npm test)'],
  [
    'npx tsx scripts/bench.ts --from docs/benchmarks.json --doc docs/benchmarks.md',
    're-render this page, measure nothing',
  ],
];

const MEASUREMENTS = [
  [
    'suite wall time',
    '`node bin/glance-conformance.js` (what `npm run conformance` runs), without and with `GLANCE_URL`, three runs ' +
      'each; the median counts (one run against the reference took 5.4-8.0 s within half an hour here); reports go ' +
      'to `.state/bench/`, not `reports/`',
  ],
  [
    'upload, download',
    'a 256 MiB and a 1 GiB image, bytes generated on the fly from a fixed pseudo-random pattern (the client keeps ' +
      "a 16 MiB pool of 1 MiB blocks and writes them as they are); the server's `checksum`/`os_hash_value` and " +
      "`Content-MD5` must equal the client's md5/sha512 of the same bytes, and every downloaded byte is compared " +
      'with the generator (memcmp, so checking does not cap the measured speed the way hashing would)',
  ],
  [
    'ranged download',
    'the whole 1 GiB image as 1024 consecutive 1 MiB `Range` requests, 4 keep-alive connections at a time (what a ' +
      'parallel or resuming downloader does), every piece checked; also reported: one `Range` request streaming ' +
      'the second half',
  ],
  [
    'Range latency',
    'median of 21 requests each for the first and the last MiB of the 1 GiB image over one keep-alive connection ' +
      '(alternating, after one unmeasured request each); last / first ≈ 1 means the start of a range is found ' +
      'without reading up to it',
  ],
  [
    'hashing limit',
    "Node's md5 + sha512 of the same bytes in 64 KiB pieces, one after the other, in the bench process — what an " +
      'uploading server has to compute at the least, on one thread',
  ],
  [
    'requests per second',
    '`GET /v2/images/{id}` and `GET …/file` with `Range: bytes=0-1023` on the 256 MiB image: 8 loops over an ' +
      "8-connection undici `Pool` for 5 s after a 1 s warm-up; p50/p99 of every request's latency",
  ],
  [
    'peak RSS',
    'the reference server runs as its own process (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1:' +
      'glibc.malloc.arena_max=1:glibc.malloc.top_pad=16777216 node --max-semi-space-size=2 --require tsx/cjs ' +
      'reference-server/cli.ts --port 0`, a ' +
      'fresh one per image size); `VmHWM` from `/proc/PID/status`, cross-checked by 50 ms samples of `VmRSS`',
  ],
  [
    'CPU',
    'every transfer records the CPU seconds it cost the bench process (`process.cpuUsage`) and the server (user + ' +
      "system of all its threads, `/proc/PID/stat`; Glance's processes are those holding its listening socket): on " +
      "a shared machine the servers' CPU judges a change better than the wall clock",
  ],
];

const INTRO = `One run measures, on this machine, the reference server and Debian's Glance (25.1 by default, file
store, started by [the launcher](../launcher/) in \`.state/bench-glance\` on port 9892 — \`GLANCE_STATE_DIR\`,
\`GLANCE_PORT\` — and installed first if missing) the same way, with the same client:`;

const HOW = [
  '```bash',
  ...COMMANDS.map(([command, what]) => `${command}   # ${what}`),
  '```',
  '',
  INTRO,
  '',
  '| measurement | how |',
  '|---|---|',
  ...MEASUREMENTS.map(([name, how]) => `| ${name} | ${how} |`),
  '',
  `The client that moves image bytes is a bare HTTP/1.1 client over keep-alive sockets (\`bench/raw-http.ts\`): the
kernel reads into one reused 1 MiB buffer and the body goes straight to the byte checker. undici, used before,
copies each chunk into its WebAssembly parser and spent more CPU per MiB than the server it measured — on two
shared cores that capped what could be measured. Records, load runs and clean-up still use undici.

Everything runs one thing at a time: hashing limit, the two suite runs, then each target's transfers, Range
requests and load runs. Images are tagged \`glance-conformance-bench\` and deleted afterwards; Glance is stopped at
the end, also on Ctrl-C. Without root and without python3-glance the launcher cannot install Glance: the run then
measures the reference server alone and says why in the table.

**Load.** The run records the 1-minute load average at its start and end, and the *foreign load*: the CPU the
machine spent on work that is not the bench's own while it ran, in CPUs — busy time from \`/proc/stat\` (user,
nice, system, irq, softirq, steal) minus the CPU of the bench process and every live descendant (the suite runs
and their Playwright workers and servers, the reference server, the Glance it started; a Glance left running by an
earlier run is adopted by its process group), each counted as utime + stime + cutime + cstime so that a child that
ended is carried by its parent. Sampled every 2 s. Where it can err it errs high: a process that left without
being reaped by one of ours takes its CPU out of the bench's share, and interrupt work the kernel charges to
irq/softirq instead of to the bench counts as foreign. With \`--wait-load X\` the run first waits up to 10 minutes
for the 1-minute load to fall below X, and a target met in a run whose start load or foreign load was X or more is
reported as LOADED, never PASS (a MISS stays a MISS). The load average at the end does not judge: on two cores the
bench's own work lifts it to ~1.7 on an idle machine (runs recorded without a foreign load, or without /proc, are
still judged by it). Without \`--wait-load\` no limit is checked.

**What the reference server does for speed.** Uploads: md5 (the slower digest here) on a worker thread (one per
process, started with the server), reading a reused 4 MiB shared ring the request's thread copies each chunk into,
while the request's thread computes sha512 beside receiving and storing; each digest is computed once, and the body
is stored once, as the chunks the HTTP parser delivered. On two cores each digest gets a core: uploads of 1 GiB into
one server, in memory a deleted image freed, went at 408-435 MiB/s against a sequential md5 + sha512 limit of
419 MiB/s, where both digests on the worker gave 362-370 MiB/s; a worker per digest put four busy threads on two
cores and cost ~10 MiB of RSS more. Request documents are checked
by one ajv instance, each schema compiled on first use (an instance per schema, all compiled at start, held ~20 MiB:
the idle server's RSS went from 93 to 71 MiB). Its process runs with 2 MiB semispaces: Node's 16 MiB let the young
generation fill during an upload, ~13 MiB more peak RSS at the same speeds. Its malloc asks for transparent huge
pages (glibc's \`glibc.malloc.hugetlb=1\`): an image lives in memory the process never used, and here fresh memory
is first written at ~350 MiB/s in 4 KiB pages and ~600 MiB/s in huge pages; uploads of 1 GiB went from 150-170
to 230-275 MiB/s and downloads from 1.9-2.3 to 2.6-3.5 GiB/s. Huge pages also make resident what malloc strands
beside them, so malloc keeps one arena (each further one held huge pages of its own, ~14 MiB of peak RSS) and a
16 MiB top pad (without it, in 5 of 15 starts the main heap stopped growing in place and malloc went on in
separate mappings: image + 110-119 MiB at the peak instead of + 83-90; with a pad, none of 25 starts did).
Downloads: a range start is found by binary search, and the stored bytes are copied into reused 1 MiB staging
buffers, one \`write\` each, the next queued as soon as the previous one is in the kernel (waiting for \`drain\`,
an empty queue, left the socket idle). On this machine the kernel's first read of a page a process wrote goes at
~600 MiB/s and later reads at 2.6-3.5 GiB/s, whatever user space does with the page: handed over as stored, the
first download of every image ran at 555-611 MiB/s; staged, it runs at 2.5-3.0 GiB/s for ~0.12 CPU s of copying per
GiB.

**Fresh memory.** The run first writes 256 MiB the bench process never used and reports the speed under the table.
On VMs that give freed memory back to their host (here: virtio_balloon, virtio_mem, and a DAMON \`pageout\` scheme)
it is a few hundred MiB/s, where other machines write several GiB/s; an upload stores its image in such memory, so
that speed, not hashing, caps the upload into a fresh server process (the figure is of the bench's own process,
in ordinary 4 KiB pages).`,
].join('\n');

export function benchmarksDoc(result: BenchResult, source: string): string {
  const sizes = result.reference.sizes.map((size) => `${(size.size / MiB).toFixed(0)} MiB`).join(', ');
  return [
    '# Benchmarks',
    '',
    HOW,
    '',
    `## Measured (${result.startedAt.slice(0, 16).replace('T', ' ')} UTC, images of ${sizes})`,
    '',
    `Rendered from \`${source}\` by \`scripts/bench.ts --doc\`; do not edit the tables by hand.`,
    '',
    markdownTable(result),
    '',
    loadLine(result),
    '',
  ].join('\n');
}
