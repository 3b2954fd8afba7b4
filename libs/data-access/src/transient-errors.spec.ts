import { isTransientDatabaseError } from './transient-errors';

describe('telling a database outage from a bad statement', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a server shutting down (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a lost connection (08006)', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['a serialization failure (40001)', Object.assign(new Error('could not serialize access'), { code: '40001' })],
    ['pg reporting a terminated connection', new Error('Connection terminated unexpectedly')],
    ['a TypeORM error wrapping a driver error', Object.assign(new Error('query failed'), { driverError: { code: '57P03', message: 'the database system is starting up' } })],
  ])('retries %s', (_what, error) => {
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a syntax error', Object.assign(new Error('syntax error at or near'), { code: '42601' })],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['nothing', undefined],
  ])('does not retry %s forever', (_what, error) => {
    expect(isTransientDatabaseError(error)).toBe(false);
  });
});
