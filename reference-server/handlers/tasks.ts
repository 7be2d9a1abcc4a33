/** /v2/tasks and /v2/images/{id}/tasks. */
import { sendJson } from '../http';
import { policyRefusal } from '../policy';
import { imageTaskView, taskStubView, taskView } from '../tasks';
import type { Exchange } from './exchange';

/** The tasks API itself is `tasks_api_access` (role:admin) in Zed's default policy; an image's tasks are not. */
function tasksApiAccess(exchange: Exchange): void {
  if (!exchange.context.isAdmin) throw policyRefusal('tasks_api_access');
}

export function showTask(exchange: Exchange): void {
  const { res, params, context, state } = exchange;
  tasksApiAccess(exchange);
  sendJson(res, 200, taskView(state.tasks.get(params.id, context)));
}

export function listTasks(exchange: Exchange): void {
  const { res, context, state } = exchange;
  tasksApiAccess(exchange);
  sendJson(res, 200, {
    tasks: state.tasks.visible(context).map(taskStubView),
    first: '/v2/tasks',
    schema: '/v2/schemas/tasks',
  });
}

/** Since API 2.12: the tasks that worked on an image; 404 for an image the caller cannot see. */
export function listImageTasks(exchange: Exchange): void {
  const { res, params, context, state } = exchange;
  const image = state.store.get(params.id, context);
  sendJson(res, 200, { tasks: state.tasks.forImage(image.id).map(imageTaskView) });
}
