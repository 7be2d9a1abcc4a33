import { expect, test } from '@playwright/test';
import { StagingBuffers } from '../../../reference-server/staging';

test('a staging buffer given back is the next one taken; beyond the kept number they are let go', () => {
  const staging = new StagingBuffers(16, 1);
  const first = staging.take();
  const second = staging.take();
  expect(first.length).toBe(16);
  expect(second).not.toBe(first);
  staging.give(first);
  staging.give(second);
  expect(staging.take()).toBe(first);
  expect(staging.take()).not.toBe(second);
});
