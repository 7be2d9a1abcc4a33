/** PUT and DELETE /v2/images/{id}/tags/{tag}. */
import { canModify } from '../auth';
import { httpError, notFound, parentImageNotFound } from '../errors';
import { sendNoContent } from '../http';
import type { Exchange } from './exchange';

/** Glance's `image_tag_quota` default. */
const TAG_QUOTA = 128;

function ownedImage(exchange: Exchange, verb: 'update' | 'delete') {
  const { params, context, state } = exchange;
  const image = state.store.get(params.id, context, parentImageNotFound);
  if (!canModify(context, image.owner)) throw httpError(403, `Not allowed to ${verb} tags for image ${image.id}.`);
  return image;
}

export function addTag(exchange: Exchange): void {
  const tag = exchange.params.tag;
  // Glance validates the tag before it looks the image up.
  exchange.state.validateImage({ tags: [tag] });
  const image = ownedImage(exchange, 'update');
  if (!image.tags.includes(tag)) {
    if (image.tags.length >= TAG_QUOTA) {
      throw httpError(
        413,
        `Image tag limit exceeded for image ${image.id}: The limit has been exceeded on the number of allowed ` +
          `image tags. Attempted: ${image.tags.length + 1}, Maximum: ${TAG_QUOTA}:`,
      );
    }
    image.tags.push(tag);
  }
  exchange.state.store.touch(image);
  sendNoContent(exchange.res);
}

export function deleteTag(exchange: Exchange): void {
  const image = ownedImage(exchange, 'delete');
  const index = image.tags.indexOf(exchange.params.tag);
  if (index < 0) throw notFound();
  image.tags.splice(index, 1);
  exchange.state.store.touch(image);
  sendNoContent(exchange.res);
}
