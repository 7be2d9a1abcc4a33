/** Server options: the public shape and its defaults (Glance 25.1's defaults). */

export interface AuthToken {
  token: string;
  project: string;
  roles: string[];
  user?: string;
}

/** Service credentials: the reference server's own identity in Keystone. */
export interface KeystoneCredentials {
  /** Keystone's base URL or its /v3 URL. */
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  /** Domains by name or by id (default: the `default` domain). */
  userDomainName?: string;
  userDomainId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
}

export interface ReferenceServerOptions {
  host?: string;
  port?: number;
  show_multiple_locations?: boolean;
  disk_formats?: string[];
  container_formats?: string[];
  image_size_cap?: number;
  auth?: 'none' | { tokens: AuthToken[] } | { keystone: KeystoneCredentials };
}

export type ResolvedOptions = Required<ReferenceServerOptions>;

export const GLANCE_DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'];
export const GLANCE_CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];
/** Glance's `image_size_cap` default: 1 TiB. */
export const GLANCE_IMAGE_SIZE_CAP = 1099511627776;

export function resolveOptions(options: ReferenceServerOptions = {}): ResolvedOptions {
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 9292,
    show_multiple_locations: options.show_multiple_locations ?? true,
    disk_formats: [...(options.disk_formats ?? GLANCE_DISK_FORMATS)],
    container_formats: [...(options.container_formats ?? GLANCE_CONTAINER_FORMATS)],
    image_size_cap: options.image_size_cap ?? GLANCE_IMAGE_SIZE_CAP,
    auth: options.auth ?? 'none',
  };
}
