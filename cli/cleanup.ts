import { parseArgs } from 'node:util';
import { authenticate, authenticateAdmin } from '../harness/auth';
import { loadSuiteConfig } from '../harness/config';
import { TargetUnusable } from '../harness/errors';
import { sweepImages, sweepNamespaces } from '../harness/sweeper';
import { endpointOf, RUN_TAG, runTag } from '../harness/target';

const USAGE =
  'usage: glance-conformance cleanup [--run ID]   (without --run: every image and metadef namespace the suite left)';

/**
 * `npm run cleanup [-- --run ID]`: deletes the images and metadef namespaces the suite left on the target —
 * everything of the suite's, or only one run's when another run may be going on at the same time.
 */
export async function cleanup(argv: string[]): Promise<number> {
  let run: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { run: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    run = values.run?.trim();
    if (values.run !== undefined && !/^[\w.-]+$/.test(run ?? ''))
      throw new Error(`--run needs a run id, got ${JSON.stringify(values.run)}`);
  } catch (e) {
    console.error(`glance-conformance cleanup: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const tag = run ? runTag(run) : RUN_TAG;
  try {
    const config = loadSuiteConfig();
    if (config.target.kind === 'embedded') {
      console.log(
        'glance-conformance: the embedded reference server keeps nothing between runs; ' +
          'set GLANCE_URL to clean a deployment',
      );
      return 0;
    }
    const session = await authenticate();
    const base = endpointOf(config, session);
    const images = await sweepImages(base, () => session.token(), tag);
    const metadefSession = (await authenticateAdmin()) ?? session;
    const namespaces = await sweepNamespaces(base, () => metadefSession.token(), tag);
    const remaining = [...images.remaining, ...namespaces.remaining];
    console.log(
      `glance-conformance: deleted ${images.deleted} image(s) tagged ${tag}` +
        (namespaces.deleted ? ` and ${namespaces.deleted} metadef namespace(s) named after it` : '') +
        (remaining.length ? `; could not delete ${remaining.join(', ')}` : ''),
    );
    return remaining.length ? 1 : 0;
  } catch (e) {
    if (!(e instanceof TargetUnusable)) throw e;
    console.error(`glance-conformance: ${e.message}`);
    return 2;
  }
}
