/**
 * Method + path matching. A path that matches with the wrong method is a 405
 * carrying `Allow` (in the order the routes were added, as Glance lists them);
 * a path that matches nothing is a 404.
 */
import { methodNotAllowed, notFound } from './errors';

export type Params = Record<string, string>;

interface Route<H> {
  method: string;
  segments: string[];
  handler: H;
}

export interface Match<H> {
  handler: H;
  params: Params;
}

function matchSegments(pattern: string[], actual: string[]): Params | null {
  if (pattern.length !== actual.length) return null;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) {
      try {
        params[pattern[i].slice(1)] = decodeURIComponent(actual[i]);
      } catch {
        return null;
      }
    } else if (pattern[i] !== actual[i]) {
      return null;
    }
  }
  return params;
}

export class Router<H> {
  private readonly routes: Route<H>[] = [];

  add(method: string, path: string, handler: H): this {
    this.routes.push({ method, segments: path.split('/').slice(1), handler });
    return this;
  }

  /** The handler for `method path`, or throws the 404/405 HttpError. */
  match(method: string, path: string): Match<H> {
    const actual = path.split('/').slice(1);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, actual);
      if (params === null) continue;
      if (route.method === method) return { handler: route.handler, params };
      allowed.push(route.method);
    }
    if (allowed.length > 0) throw methodNotAllowed(method, allowed);
    throw notFound();
  }
}
