import { expect } from '../fixtures/test';
import type { GlanceClient } from '../harness/glance-client';

export interface ListedNamespace {
  namespace: string;
  visibility?: string;
}

/** The namespaces of a listing, following next links (at most 50 pages). */
export async function listedNamespaces(glance: GlanceClient, first: string): Promise<ListedNamespace[]> {
  const listed: ListedNamespace[] = [];
  let next: string | undefined = first;
  for (let page = 0; next && page < 50; page++) {
    const res = await glance.get(next);
    expect(res).toAnswer(200);
    const body = res.json<{ namespaces: ListedNamespace[]; next?: string }>();
    listed.push(...body.namespaces);
    next = body.namespaces.length ? body.next : undefined;
  }
  return listed;
}
