import { expect, test } from '@playwright/test';
import type { GlanceClient } from '../../../harness/glance-client';
import { SchemaValidators } from '../../../harness/schemas';

/** A target whose /v2/schemas/image is whatever `served.doc` holds when asked. */
function targetServing(served: { doc: object }): GlanceClient {
  const schema = async () => ({ status: 200, json: () => structuredClone(served.doc) });
  return { schema } as unknown as GlanceClient;
}

const diskFormats = (formats: string[]) => ({
  type: 'object',
  properties: { disk_format: { enum: formats } },
});

test('a schema document is compiled once per worker, and a changed document is judged by its new text', async () => {
  const served = { doc: diskFormats(['raw', 'qcow2']) };
  const first = new SchemaValidators(targetServing(served));
  const second = new SchemaValidators(targetServing(served));
  expect(await second.validator('image')).toBe(await first.validator('image'));
  expect(await first.errors('image', { disk_format: 'ploop' })).toEqual([
    '/disk_format must be equal to one of the allowed values ["raw","qcow2"]',
  ]);

  served.doc = diskFormats(['raw', 'qcow2', 'ploop']);
  const changed = new SchemaValidators(targetServing(served));
  expect(await changed.errors('image', { disk_format: 'ploop' })).toEqual([]);
  expect(await changed.validator('image')).not.toBe(await first.validator('image'));
});
