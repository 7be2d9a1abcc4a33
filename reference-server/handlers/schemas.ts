/** GET /v2/schemas/*. */
import { notFound } from '../errors';
import { sendJson } from '../http';
import { schemaFor } from '../schemas';
import type { Exchange } from './exchange';

export function showSchema(exchange: Exchange): void {
  const { disk_formats, container_formats } = exchange.state.options;
  const path = exchange.params.group ? `${exchange.params.group}/${exchange.params.name}` : exchange.params.name;
  const schema = schemaFor(path, disk_formats, container_formats);
  if (!schema) throw notFound();
  sendJson(exchange.res, 200, schema);
}
