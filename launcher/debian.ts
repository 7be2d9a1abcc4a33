/**
 * Debian's OpenStack packages for the launcher: installed on the host for Glance 25.1 (bookworm) and Keystone, and
 * a trixie root built with debootstrap for Glance 30.0 (2025.1), cached outside the git clone so that every clone
 * and CI run on the machine shares one build.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { STATE_DIR } from '../harness/paths';
import { withLock } from './lock';
import { LaunchError, runToLog } from './supervisor';

/** Debian's interpreter: the packages live there, not in whatever `python3` comes first on PATH (a pyenv shim). */
export const HOST_PYTHON = '/usr/bin/python3';

export type Log = (line: string) => void;

const APT_OPTIONS = [
  '-y',
  '-q',
  '--no-install-recommends',
  '-o',
  'DPkg::Lock::Timeout=300',
  '-o',
  'Dpkg::Options::=--force-confdef',
  '-o',
  'Dpkg::Options::=--force-confold',
];
const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

/** Where builds and downloads shared by every clone live: /var/cache/glance-conformance, else .state/cache. */
export function cacheDir(): string {
  const wanted = process.env.GLANCE_CONFORMANCE_CACHE ?? '/var/cache/glance-conformance';
  try {
    fs.mkdirSync(wanted, { recursive: true });
    fs.accessSync(wanted, fs.constants.W_OK);
    return wanted;
  } catch {
    return path.join(STATE_DIR, 'cache');
  }
}

/** Whether Python modules can be found (find_spec, not import: importing Keystone takes a second or two). */
export function pythonHas(modules: string[], python: string[] = [HOST_PYTHON]): boolean {
  const check = 'import importlib.util as u, sys; sys.exit(not all(u.find_spec(m) for m in sys.argv[1:]))';
  const [command, ...args] = python;
  return spawnSync(command, [...args, '-c', check, ...modules], { stdio: 'ignore' }).status === 0;
}

export function packageVersion(name: string): string | undefined {
  const res = spawnSync('dpkg-query', ['-W', '-f=${Version}', name], { encoding: 'utf8' });
  return res.status === 0 && res.stdout ? res.stdout : undefined;
}

/**
 * Installs Debian packages on the host when the Python modules they provide are missing. The lists are refreshed
 * first: stale lists name versions the mirror no longer has, and the current one carries the security fixes.
 */
export async function ensureHostPackages(modules: string[], packages: string[], logDir: string, log: Log) {
  if (pythonHas(modules)) return;
  if (process.getuid?.() !== 0) {
    throw new LaunchError(
      `${packages.join(', ')} not installed and this is not root; run: apt-get install -y --no-install-recommends ` +
        packages.join(' '),
    );
  }
  const started = Date.now();
  const aptLog = path.join(logDir, 'apt-install.log');
  log(`installing ${packages.join(' ')} with apt (one-off; log ${aptLog})`);
  await runToLog('apt-get', ['update', '-q'], aptLog, { env: APT_ENV }).catch(() =>
    log('apt-get update failed: installing from the cached lists'),
  );
  await runToLog('apt-get', ['install', ...APT_OPTIONS, ...packages], aptLog, { env: APT_ENV });
  if (!pythonHas(modules))
    throw new LaunchError(`${packages.join(', ')} installed, but ${modules.join(', ')} still missing`);
  log(`installed ${packages.map((p) => `${p} ${packageVersion(p)}`).join(', ')} in ${seconds(started)} s`);
}

export const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(0);

/**
 * The metadef JSON files of Glance `version`. They ship only in glance-common, which is not installed (its
 * postinst wants dbconfig-common and debconf answers): its .deb of exactly that version is fetched and unpacked,
 * once per version.
 */
export async function hostMetadefs(version: string, log: Log): Promise<string> {
  const installed = '/usr/share/glance-common/metadefs';
  if (packageVersion('glance-common') === version && fs.existsSync(path.join(installed, 'compute-hypervisor.json'))) {
    return installed;
  }
  const dir = path.join(cacheDir(), `glance-metadefs-${version.replace(/[:/]/g, '_')}`);
  if (fs.existsSync(path.join(dir, 'compute-hypervisor.json'))) return dir;
  return withLock(`${dir}.lock`, 300_000, 'fetching glance-common', async () => {
    if (fs.existsSync(path.join(dir, 'compute-hypervisor.json'))) return dir;
    log(`fetching glance-common=${version} for its metadef JSON files`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glance-common-'));
    try {
      const dlLog = path.join(tmp, 'download.log');
      await runToLog('apt-get', ['download', '-q', `glance-common=${version}`], dlLog, { cwd: tmp }).catch(async () => {
        if (process.getuid?.() === 0) await runToLog('apt-get', ['update', '-q'], dlLog, { env: APT_ENV });
        await runToLog('apt-get', ['download', '-q', `glance-common=${version}`], dlLog, { cwd: tmp });
      });
      const deb = fs.readdirSync(tmp).find((f) => f.startsWith('glance-common_') && f.endsWith('.deb'));
      if (!deb) throw new LaunchError(`apt-get download glance-common=${version} left no .deb`);
      await runToLog('dpkg-deb', ['-x', path.join(tmp, deb), path.join(tmp, 'root')], dlLog);
      fs.cpSync(path.join(tmp, 'root', installed), `${dir}.new`, { recursive: true });
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(`${dir}.new`, dir);
      return dir;
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
}

/**
 * The trixie root, bumped when what goes into it changes so that old builds are not reused. debootstrap resolves
 * no virtual packages: python3-ply (provides python3-ply-lex-3.10) and libxslt1-dev (provides libxslt-dev) are
 * named so that python3-glance and its dependencies get configured instead of left unpacked.
 */
const TRIXIE_LAYOUT = 'trixie-v1';
const TRIXIE_PACKAGES = ['python3-glance', 'python3-keystonemiddleware', 'python3-ply', 'libxslt1-dev'];
const READY_MARKER = '.glance-conformance-ready';

export interface DebianRoot {
  dir: string;
  /** python3-glance's version inside the root. */
  glanceVersion: string;
  /** The metadef JSON files, as a path inside the root. */
  metadefs: string;
}

function readyRoot(dir: string): DebianRoot | undefined {
  try {
    return { dir, ...JSON.parse(fs.readFileSync(path.join(dir, READY_MARKER), 'utf8')) } as DebianRoot;
  } catch {
    return undefined;
  }
}

/**
 * A command line that runs `argv` inside the root: in a private mount namespace (unshare), /proc is mounted and
 * each of `binds` (host directories: state dirs) is bind-mounted at its own path, so that config files name the
 * same paths inside and out. The mounts exist only for that process and vanish with it: nothing to clean up, and
 * the cached root never holds a mount that `rm -r` could walk into.
 */
export function inRoot(root: string, binds: string[], argv: string[]): [string, string[]] {
  const script =
    'root=$1; n=$2; shift 2; mount -t proc proc "$root/proc" || exit 111; ' +
    'while [ "$n" -gt 0 ]; do ' +
    'mkdir -p "$root$1" && mount --bind "$1" "$root$1" || exit 111; shift; n=$((n-1)); done; ' +
    'exec chroot "$root" "$@"';
  return [
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      script,
      'in-root',
      root,
      String(binds.length),
      ...binds,
      ...argv,
    ],
  ];
}

/** Builds the trixie root once (about 3 min, 1 GB) and reuses it; a missing or half-built root is built anew. */
export async function trixieRoot(log: Log): Promise<DebianRoot> {
  const dir = path.join(cacheDir(), TRIXIE_LAYOUT);
  const ready = readyRoot(dir);
  if (ready) return ready;
  return withLock(`${dir}.lock`, 20 * 60_000, 'building the trixie root', async () => {
    const built = readyRoot(dir);
    if (built) return built;
    if (process.getuid?.() !== 0)
      throw new LaunchError(`building the trixie root in ${dir} needs root (debootstrap, chroot)`);
    if (spawnSync('debootstrap', ['--version'], { stdio: 'ignore' }).status !== 0) {
      await ensureDebootstrap(path.dirname(dir), log);
    }
    const partial = `${dir}.partial`;
    const buildLog = path.join(path.dirname(dir), `${TRIXIE_LAYOUT}.build.log`);
    fs.rmSync(partial, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(buildLog, { force: true });
    const started = Date.now();
    log(`building the Debian trixie root for Glance 2025.1 in ${dir} (one-off, ~3 min, ~1 GB; log ${buildLog})`);
    const mirror = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
    const args = ['--variant=minbase', `--include=${TRIXIE_PACKAGES.join(',')}`, 'trixie', partial, mirror];
    const code = await runToLog('debootstrap', args, buildLog, { env: APT_ENV, okCodes: [1] });
    // debootstrap may give up on configuring some package and still leave a usable Glance: the import decides.
    if (code !== 0) log(`debootstrap exited ${code} (see ${buildLog}); checking whether Glance imports all the same`);
    const python = (args2: string[]) => inRoot(partial, [], ['/usr/bin/python3', ...args2]);
    const [cmd, check] = python(['-c', 'import glance.cmd.api, glance.cmd.manage, keystonemiddleware.auth_token']);
    await runToLog(cmd, check, buildLog);
    const glanceVersion = spawnSync('chroot', [partial, 'dpkg-query', '-W', '-f=${Version}', 'python3-glance'], {
      encoding: 'utf8',
    }).stdout;
    await extractGlanceCommon(partial, glanceVersion, buildLog);
    const root: DebianRoot = { dir, glanceVersion, metadefs: '/usr/share/glance-common/metadefs' };
    fs.writeFileSync(path.join(partial, READY_MARKER), JSON.stringify({ glanceVersion, metadefs: root.metadefs }));
    fs.renameSync(partial, dir);
    log(`trixie root ready in ${seconds(started)} s: python3-glance ${glanceVersion}`);
    return root;
  });
}

/** glance-common's metadefs, unpacked from its .deb inside the root (installing it would run its postinst). */
async function extractGlanceCommon(root: string, version: string, buildLog: string) {
  const inside = '/var/cache/glance-common-deb';
  fs.mkdirSync(path.join(root, inside), { recursive: true });
  await runToLog(
    'chroot',
    [root, 'sh', '-c', `cd ${inside} && apt-get download -q glance-common=${version}`],
    buildLog,
    {
      env: APT_ENV,
    },
  );
  const deb = fs.readdirSync(path.join(root, inside)).find((f) => f.endsWith('.deb'));
  if (!deb) throw new LaunchError(`apt-get download glance-common=${version} in the trixie root left no .deb`);
  await runToLog('chroot', [root, 'dpkg-deb', '-x', `${inside}/${deb}`, `${inside}/x`], buildLog);
  fs.cpSync(path.join(root, inside, 'x', 'usr/share/glance-common'), path.join(root, 'usr/share/glance-common'), {
    recursive: true,
  });
  fs.rmSync(path.join(root, inside), { recursive: true, force: true });
}

async function ensureDebootstrap(logDir: string, log: Log) {
  log('installing debootstrap with apt');
  const aptLog = path.join(logDir, 'apt-install-debootstrap.log');
  await runToLog('apt-get', ['update', '-q'], aptLog, { env: APT_ENV }).catch(() => undefined);
  await runToLog('apt-get', ['install', ...APT_OPTIONS, 'debootstrap'], aptLog, { env: APT_ENV });
}
