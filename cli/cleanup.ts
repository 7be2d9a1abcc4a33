import { authenticate } from '../harness/auth';
import { loadSuiteConfig } from '../harness/config';
import { sweepImages } from '../harness/sweeper';
import { endpointOf, RUN_TAG, runTag } from '../harness/target';

/**
 * `npm run cleanup [-- --run ID]`: deletes the images the suite left on the target — every suite
 * image, or only one run's when another run may be going on at the same time.
 */
export async function cleanup(argv: string[]): Promise<number> {
  const runAt = argv.indexOf('--run');
  const tag = runAt >= 0 ? runTag(argv[runAt + 1] ?? '') : RUN_TAG;
  const config = loadSuiteConfig();
  if (config.target.kind === 'embedded') {
    console.log('glance-conformance: the embedded reference server keeps nothing between runs; set GLANCE_URL to clean a deployment');
    return 0;
  }
  const session = await authenticate();
  const base = endpointOf(config, session);
  const { deleted, failed } = await sweepImages(base, await session.token(), tag);
  console.log(`glance-conformance: deleted ${deleted} image(s) tagged ${tag}${failed.length ? `; could not delete ${failed.join(', ')}` : ''}`);
  return failed.length ? 1 : 0;
}

