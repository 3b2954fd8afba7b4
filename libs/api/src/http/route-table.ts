import type { FastifyInstance } from 'fastify';

/**
 * The methods each route answers, recorded as routes are registered, so a request that matches
 * a path but not its method gets 405 with `Allow` instead of 404.
 */
export class RouteTable {
  private readonly routes: Array<{ readonly pattern: RegExp; readonly methods: Set<string> }> = [];

  /** Records every route registered on `fastify` from now on. */
  recordFrom(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) this.add(method, route.url ?? route.path);
    });
  }

  add(method: string, url: string): void {
    const source = `^${url
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}/?$`;
    let route = this.routes.find((known) => known.pattern.source === source);
    if (!route) {
      route = { pattern: new RegExp(source), methods: new Set() };
      this.routes.push(route);
    }
    route.methods.add(method.toUpperCase());
  }

  /** The methods some route answers at `path` (no query string); empty when none matches. */
  allowedAt(path: string): string[] {
    const methods = new Set(this.routes.filter((route) => route.pattern.test(path)).flatMap((route) => [...route.methods]));
    return [...methods].sort();
  }
}
