/** POST /v2/images/{id}/actions/{deactivate,reactivate}. */
import { forbiddenUnlessOwner } from '../auth';
import { sendNoContent } from '../http';
import { deactivate, reactivate, type StatusSubject } from '../status';
import type { Exchange } from './exchange';

function action(change: (image: StatusSubject) => void) {
  return (exchange: Exchange): void => {
    const { res, params, context, state } = exchange;
    const image = state.store.get(params.id, context);
    forbiddenUnlessOwner(context, image.owner);
    change(image);
    state.store.touch(image);
    sendNoContent(res);
  };
}

export const deactivateImage = action(deactivate);
export const reactivateImage = action(reactivate);
