/**
 * The `api_image_import` task behind `POST /v2/images/{id}/import`, for a
 * single store: the image goes `importing`, its bytes come from the staging
 * area (`glance-direct`) or an http(s) URL (`web-download`), and it ends
 * `active` with size, checksum and hashes — or back in `queued` with the task
 * failed. As in Glance, the import leaves `os_glance_importing_to_stores` and
 * `os_glance_failed_import` behind, both empty.
 */
import { createHash } from 'node:crypto';
import { ChunkedBytes } from './chunks';
import { releaseImportLock } from './import-lock';
import { fetchLocation } from './locations';
import { transition } from './status';
import { memoryUrl, type ImageRecord, type ImageStore } from './store';
import type { TaskRecord, TaskStore } from './tasks';

/** A web-download reads the whole remote body; generous, but never forever. */
const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;

export type ImportSource = { method: 'glance-direct' } | { method: 'web-download'; uri: string };

export interface ImageImportEnvironment {
  images: ImageStore;
  tasks: TaskStore;
}

async function download(uri: string): Promise<ChunkedBytes> {
  const bytes = new ChunkedBytes();
  for await (const chunk of await fetchLocation(uri, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS))) {
    bytes.append(chunk as Buffer);
  }
  return bytes;
}

function store(image: ImageRecord, bytes: ChunkedBytes): void {
  const md5 = createHash('md5');
  const sha512 = createHash('sha512');
  for (const view of bytes.slices(0, bytes.size - 1)) {
    md5.update(view);
    sha512.update(view);
  }
  image.data = bytes;
  image.staged = null;
  image.size = bytes.size;
  image.virtual_size = image.disk_format === 'raw' ? bytes.size : null;
  image.checksum = md5.digest('hex');
  image.os_hash_algo = 'sha512';
  image.os_hash_value = sha512.digest('hex');
  image.locations = [{ url: memoryUrl(image.id), metadata: {} }];
}

/** Runs the task to its end; never throws (a failure is recorded on the task, the image goes back to queued). */
export async function runImageImport(
  env: ImageImportEnvironment,
  image: ImageRecord,
  task: TaskRecord,
  source: ImportSource,
): Promise<void> {
  env.tasks.start(task);
  try {
    transition(image, 'importing');
    image.extra.os_glance_importing_to_stores = '';
    image.extra.os_glance_failed_import = '';
    env.images.touch(image);
    const bytes = source.method === 'glance-direct' ? image.staged : await download(source.uri);
    if (!bytes) throw new Error('nothing staged');
    if (!env.images.isLive(image)) throw new Error('image deleted during import');
    store(image, bytes);
    transition(image, 'active');
    env.images.touch(image);
    env.tasks.succeed(task, { image_id: image.id }, `Copied ${Math.floor(bytes.size / 2 ** 20)} MiB`);
  } catch {
    if (env.images.isLive(image) && image.status === 'importing') {
      transition(image, 'queued');
      image.staged = null;
      env.images.touch(image);
    }
    // Glance's words for any failure of the import flow.
    env.tasks.fail(task, 'Task failed due to Internal Error');
  } finally {
    releaseImportLock(image, task);
  }
}
