import { expect, test } from '@playwright/test';
import { referenceServerProcess } from '../../../harness/paths';

test('a reference server process gets small semispaces and asks malloc for huge pages, keeping other tunables', () => {
  const plain = referenceServerProcess(['--port', '0'], { PATH: '/bin' });
  expect(plain.argv[0]).toBe('--max-semi-space-size=2');
  expect(plain.argv.slice(-3)).toEqual([expect.stringMatching(/reference-server\/cli\.ts$/), '--port', '0']);
  expect(plain.env).toEqual({ PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });

  const tuned = referenceServerProcess([], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
  expect(tuned.env.GLIBC_TUNABLES).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
  // An operator's own choice of huge pages stands.
  expect(referenceServerProcess([], { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }).env.GLIBC_TUNABLES).toBe(
    'glibc.malloc.hugetlb=0',
  );
});
