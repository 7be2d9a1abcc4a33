/**
 * Glance's import lock: the id of the task working on an image, kept in the
 * image's `os_glance_import_task` property while the task runs. A second
 * import or location import meanwhile is a 409.
 */
import { httpError } from './errors';
import type { ImageRecord } from './store';
import type { TaskRecord, TaskStore } from './tasks';

const LOCK_PROPERTY = 'os_glance_import_task';

/** Takes the lock for `task`; a lock whose task has finished (or is unknown) is stale and taken over. */
export function acquireImportLock(image: ImageRecord, task: TaskRecord, tasks: TaskStore): void {
  const holder = image.extra[LOCK_PROPERTY];
  if (holder !== undefined) {
    const other = tasks.find(holder);
    if (other && (other.status === 'pending' || other.status === 'processing')) {
      throw httpError(409, 'Image has active task');
    }
  }
  image.extra[LOCK_PROPERTY] = task.id;
}

export function releaseImportLock(image: ImageRecord, task: TaskRecord): void {
  if (image.extra[LOCK_PROPERTY] === task.id) delete image.extra[LOCK_PROPERTY];
}
