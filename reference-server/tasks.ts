/**
 * Glance's tasks: the records behind asynchronous work (location import,
 * interoperable import), kept per server like the images.
 */
import { randomUUID } from 'node:crypto';
import type { RequestContext } from './auth';
import { httpError } from './errors';
import { isoTime } from './image-view';

export type TaskStatus = 'pending' | 'processing' | 'success' | 'failure';

export interface TaskRecord {
  id: string;
  type: string;
  status: TaskStatus;
  input: Record<string, unknown>;
  result: Record<string, unknown> | null;
  owner: string | null;
  message: string;
  image_id: string | null;
  user_id: string | null;
  created_at: Date;
  updated_at: Date;
  expires_at: Date | null;
}

/** Glance's `task_time_to_live`: a finished task is kept 48 hours. */
const TIME_TO_LIVE_MS = 48 * 3600 * 1000;

export function canSeeTask(task: TaskRecord, context: RequestContext): boolean {
  return context.isAdmin || (context.project !== null && task.owner === context.project);
}

export class TaskStore {
  private readonly tasks = new Map<string, TaskRecord>();

  create(type: string, input: Record<string, unknown>, context: RequestContext, imageId: string | null): TaskRecord {
    const now = new Date();
    const task: TaskRecord = {
      id: randomUUID(),
      type,
      status: 'pending',
      input,
      result: null,
      owner: context.project,
      message: '',
      image_id: imageId,
      user_id: context.user,
      created_at: now,
      updated_at: now,
      expires_at: null,
    };
    this.tasks.set(task.id, task);
    return task;
  }

  /** The task, or Glance's 404 when it is unknown or another project's. */
  get(id: string, context: RequestContext): TaskRecord {
    const task = this.tasks.get(id);
    if (!task || !canSeeTask(task, context)) throw httpError(404, `Task with identifier ${id} not found`);
    return task;
  }

  find(id: string): TaskRecord | undefined {
    return this.tasks.get(id);
  }

  /** Tasks the caller may see, newest first (Glance's default sort: created_at desc). */
  visible(context: RequestContext): TaskRecord[] {
    return [...this.tasks.values()].filter((task) => canSeeTask(task, context)).reverse();
  }

  forImage(imageId: string): TaskRecord[] {
    return [...this.tasks.values()].filter((task) => task.image_id === imageId).reverse();
  }

  start(task: TaskRecord): void {
    task.status = 'processing';
    task.updated_at = new Date();
  }

  succeed(task: TaskRecord, result: Record<string, unknown>, message = ''): void {
    this.finish(task, 'success', result, message);
  }

  fail(task: TaskRecord, message: string): void {
    this.finish(task, 'failure', null, message);
  }

  private finish(task: TaskRecord, status: TaskStatus, result: Record<string, unknown> | null, message: string): void {
    task.status = status;
    task.result = result;
    task.message = message;
    task.updated_at = new Date();
    task.expires_at = new Date(task.updated_at.getTime() + TIME_TO_LIVE_MS);
  }
}

/** Glance's task list entry (`_format_task_stub`). */
export function taskStubView(task: TaskRecord): Record<string, unknown> {
  return {
    id: task.id,
    type: task.type,
    status: task.status,
    owner: task.owner,
    created_at: isoTime(task.created_at),
    updated_at: isoTime(task.updated_at),
    self: `/v2/tasks/${task.id}`,
    schema: '/v2/schemas/task',
    ...(task.expires_at ? { expires_at: isoTime(task.expires_at) } : {}),
  };
}

/** Glance's task document (`_format_task`), optional keys only when set. */
export function taskView(task: TaskRecord): Record<string, unknown> {
  return {
    id: task.id,
    input: task.input,
    type: task.type,
    status: task.status,
    owner: task.owner,
    message: task.message,
    result: task.result,
    created_at: isoTime(task.created_at),
    updated_at: isoTime(task.updated_at),
    self: `/v2/tasks/${task.id}`,
    schema: '/v2/schemas/task',
    ...(task.image_id ? { image_id: task.image_id } : {}),
    ...(task.user_id ? { user_id: task.user_id } : {}),
    ...(task.expires_at ? { expires_at: isoTime(task.expires_at) } : {}),
  };
}

/** oslo's PERFECT_TIME_FORMAT, which jsonutils uses for raw datetimes: microseconds, no zone. */
function perfectTime(date: Date | null): string | null {
  return date === null ? null : date.toISOString().replace(/\.(\d{3})Z$/, '.$1000');
}

/**
 * A task as `GET /v2/images/{id}/tasks` shows it: Glance returns the database
 * rows as they are (`_task_format`), so the timestamps are raw datetimes and
 * `deleted`/`deleted_at` appear.
 */
export function imageTaskView(task: TaskRecord): Record<string, unknown> {
  return {
    id: task.id,
    type: task.type,
    status: task.status,
    owner: task.owner,
    expires_at: perfectTime(task.expires_at),
    created_at: perfectTime(task.created_at),
    updated_at: perfectTime(task.updated_at),
    deleted_at: null,
    deleted: false,
    image_id: task.image_id,
    request_id: null,
    user_id: task.user_id,
    input: task.input,
    result: task.result,
    message: task.message,
  };
}
