import fs from 'node:fs';
import path from 'node:path';
import { freePort, startDaemon, type Daemon } from '../../../launcher/supervisor';
import { STATE_DIR } from '../../../harness/paths';
import type { Pki } from './pki';

/** A state dir of this area's own, under .state/ (git-ignored). */
export function fieldStateDir(name: string): string {
  const dir = path.join(STATE_DIR, 'field', `${name}-${process.pid}-${Date.now().toString(36)}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export interface Terminator extends Daemon {
  /** https://127.0.0.1:PORT */
  url: string;
}

/** stunnel4 in front of a plain-http upstream; `requireClientCert` makes it refuse clients without one from the CA. */
export async function startTls(
  stateDir: string,
  upstream: string,
  pki: Pki,
  requireClientCert = false,
): Promise<Terminator> {
  const port = await freePort();
  const { port: upstreamPort, hostname } = new URL(upstream);
  // One per upstream and mode: the supervisor stops a daemon of the same name in the same state dir first.
  const name = `stunnel-${requireClientCert ? 'mtls-' : ''}${upstreamPort}`;
  const conf = path.join(stateDir, `${name}.conf`);
  fs.writeFileSync(
    conf,
    [
      'foreground = yes',
      'pid =',
      '[glance]',
      `accept = 127.0.0.1:${port}`,
      `connect = ${hostname}:${upstreamPort}`,
      `cert = ${pki.serverCert}`,
      `key = ${pki.serverKey}`,
      ...(requireClientCert ? [`CAfile = ${pki.ca}`, 'requireCert = yes', 'verifyChain = yes'] : []),
      '',
    ].join('\n'),
  );
  const daemon = await startDaemon({
    name,
    command: 'stunnel4',
    args: [conf],
    stateDir,
    ready: { port },
    timeoutMs: 20_000,
  });
  return { ...daemon, url: `https://127.0.0.1:${port}` };
}

export interface ForwardProxy extends Daemon {
  url: string;
  /** The request lines tinyproxy logged since it started: `CONNECT 127.0.0.1:PORT`, `GET http://…`. */
  requests(): string[];
}

/** tinyproxy on loopback, logging every request line it serves. */
export async function startProxy(stateDir: string): Promise<ForwardProxy> {
  const port = await freePort();
  const conf = path.join(stateDir, 'tinyproxy.conf');
  fs.writeFileSync(
    conf,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 120',
      'LogLevel Connect',
      'MaxClients 100',
      'Allow 127.0.0.1',
      'DisableViaHeader Yes',
      '',
    ].join('\n'),
  );
  const daemon = await startDaemon({
    name: 'tinyproxy',
    command: 'tinyproxy',
    args: ['-d', '-c', conf],
    stateDir,
    ready: { port },
    timeoutMs: 20_000,
  });
  return {
    ...daemon,
    url: `http://127.0.0.1:${port}`,
    requests: () =>
      fs
        .readFileSync(daemon.log, 'utf8')
        .split('\n')
        .map((line) => /Request \(file descriptor \d+\): (\S+ \S+)/.exec(line)?.[1])
        .filter((r): r is string => Boolean(r)),
  };
}
