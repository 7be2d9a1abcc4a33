import { expect, test } from '@playwright/test';
import { referenceServerProcess } from '../../../harness/paths';

const OURS = 'glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1:glibc.malloc.top_pad=16777216';

test('a reference server process gets small semispaces and malloc tunables, keeping the caller’s own', () => {
  const plain = referenceServerProcess(['--port', '0'], { PATH: '/bin' });
  expect(plain.argv[0]).toBe('--max-semi-space-size=2');
  expect(plain.argv.slice(-3)).toEqual([expect.stringMatching(/reference-server\/cli\.ts$/), '--port', '0']);
  expect(plain.env).toEqual({ PATH: '/bin', GLIBC_TUNABLES: OURS });

  const tuned = referenceServerProcess([], { GLIBC_TUNABLES: 'glibc.rtld.optional_static_tls=512' });
  expect(tuned.env.GLIBC_TUNABLES).toBe(`glibc.rtld.optional_static_tls=512:${OURS}`);
  // An operator's own choice of a tunable we also set stands, and only that one.
  const operators = 'glibc.malloc.hugetlb=0:glibc.malloc.arena_max=4';
  expect(referenceServerProcess([], { GLIBC_TUNABLES: operators }).env.GLIBC_TUNABLES).toBe(
    `${operators}:glibc.malloc.top_pad=16777216`,
  );
});
