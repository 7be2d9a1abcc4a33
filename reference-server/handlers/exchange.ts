/** What every route handler receives. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator, RequestContext } from '../auth';
import type { MetadefCatalog } from '../metadefs';
import type { ResolvedOptions } from '../options';
import type { Params } from '../router';
import type { StagingBuffers } from '../staging';
import type { ImageStore } from '../store';
import type { TaskStore } from '../tasks';
import type { ImageValidator } from '../validation';

/** Per-server state: built once by startReferenceServer, shared by its handlers. */
export interface ServerState {
  options: ResolvedOptions;
  authenticate: Authenticator;
  store: ImageStore;
  tasks: TaskStore;
  validateImage: ImageValidator;
  metadefs: MetadefCatalog;
  probeLocation(url: string): Promise<number | null>;
  /** The buffers downloads hand to the socket. */
  staging: StagingBuffers;
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  params: Params;
  query: URLSearchParams;
  context: RequestContext;
  state: ServerState;
}

export type Handler = (exchange: Exchange) => Promise<void> | void;
