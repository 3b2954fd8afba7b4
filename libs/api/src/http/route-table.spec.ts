import { RouteTable } from './route-table';

describe('RouteTable', () => {
  const routes = new RouteTable();
  routes.add('GET', '/api/v1/tokens');
  routes.add('POST', '/api/v1/tokens');
  routes.add('GET', '/api/v1/tokens/:id');
  routes.add('PATCH', '/api/v1/tokens/:id');
  routes.add('POST', '/api/v1/tokens/:id/block');
  routes.add('GET', '/docs/*');

  it('lists the methods of every route matching a concrete path', () => {
    expect(routes.allowedAt('/api/v1/tokens')).toEqual(['GET', 'POST']);
    expect(routes.allowedAt('/api/v1/tokens/')).toEqual(['GET', 'POST']);
    expect(routes.allowedAt('/api/v1/tokens/0b6c')).toEqual(['GET', 'PATCH']);
    expect(routes.allowedAt('/api/v1/tokens/0b6c/block')).toEqual(['POST']);
    expect(routes.allowedAt('/docs/static/index.css')).toEqual(['GET']);
  });

  it('matches nothing for unknown paths, and a parameter never spans segments', () => {
    expect(routes.allowedAt('/api/v1/nothing')).toEqual([]);
    expect(routes.allowedAt('/api/v1/tokens/a/b')).toEqual([]);
  });

  it('takes path characters literally', () => {
    const dotted = new RouteTable();
    dotted.add('GET', '/a.b');
    expect(dotted.allowedAt('/a.b')).toEqual(['GET']);
    expect(dotted.allowedAt('/axb')).toEqual([]);
  });
});
