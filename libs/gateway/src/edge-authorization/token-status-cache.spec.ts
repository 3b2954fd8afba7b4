import { decideAtEdge, TokenStatusCache, type CachedTokenStatus, type EdgeDecisionRules } from './token-status-cache';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-04T12:00:00Z');
const rejectUnknown: EdgeDecisionRules = { maxAgeMs: HOUR, unknownPolicy: 'reject' };
const acceptUnknown: EdgeDecisionRules = { maxAgeMs: HOUR, unknownPolicy: 'accept' };
const learned = (status: string, ageMs: number, expiresAt?: number): CachedTokenStatus => ({ status, learnedAt: NOW - ageMs, expiresAt });

describe('the edge rules for Authorize', () => {
  it('accepts a token the service accepted within the age limit', () => {
    expect(decideAtEdge(learned('Accepted', HOUR - 1), NOW, rejectUnknown)).toMatchObject({ status: 'Accepted', basis: 'cached-accepted' });
    expect(decideAtEdge(learned('Accepted', HOUR), NOW, rejectUnknown)).toMatchObject({ status: 'Accepted', basis: 'cached-accepted' });
  });

  it('no longer trusts an Accepted older than the limit: the unknown-token policy decides', () => {
    expect(decideAtEdge(learned('Accepted', HOUR + 1), NOW, rejectUnknown)).toMatchObject({ status: 'Invalid', basis: 'stale' });
    expect(decideAtEdge(learned('Accepted', HOUR + 1), NOW, acceptUnknown)).toMatchObject({ status: 'Accepted', basis: 'stale' });
  });

  it.each(['Blocked', 'Invalid', 'Expired', 'NoCredit'])('keeps a %s token refused at any age, even when unknown tokens are accepted', (status) => {
    for (const age of [0, HOUR + 1, 365 * 24 * HOUR]) {
      expect(decideAtEdge(learned(status, age), NOW, acceptUnknown)).toMatchObject({ status, basis: 'cached-refusal' });
    }
  });

  it('answers Expired for an Accepted token past the expiry the service gave', () => {
    expect(decideAtEdge(learned('Accepted', 1_000, NOW - 1), NOW, acceptUnknown)).toMatchObject({ status: 'Expired', basis: 'cached-expired' });
    expect(decideAtEdge(learned('Accepted', 1_000, NOW + 1), NOW, rejectUnknown)).toMatchObject({ status: 'Accepted' });
  });

  it('applies the unknown-token policy to a token never seen: Invalid by default, Accepted when configured', () => {
    expect(decideAtEdge(undefined, NOW, rejectUnknown)).toMatchObject({ status: 'Invalid', basis: 'unknown' });
    expect(decideAtEdge(undefined, NOW, acceptUnknown)).toMatchObject({ status: 'Accepted', basis: 'unknown' });
  });
});

describe('the token status cache', () => {
  it('holds at most maxEntries, evicting the least recently used', () => {
    const cache = new TokenStatusCache(3);
    for (const key of ['a', 'b', 'c']) cache.remember(key, learned('Accepted', 0));
    expect(cache.lookup('a')).toBeDefined(); // a is now the most recently used
    cache.remember('d', learned('Accepted', 0));
    expect(cache.size).toBe(3);
    expect(cache.lookup('b')).toBeUndefined();
    expect(cache.lookup('a')).toBeDefined();
    expect(cache.lookup('c')).toBeDefined();
    expect(cache.lookup('d')).toBeDefined();
  });

  it('keeps the latest status of a token, with the time it was learned', () => {
    const cache = new TokenStatusCache(10);
    cache.remember('t', learned('Accepted', HOUR));
    cache.remember('t', learned('Blocked', 0));
    expect(cache.size).toBe(1);
    expect(cache.lookup('t')).toEqual(learned('Blocked', 0));
  });

  it('refreshing a token counts as use: it survives eviction', () => {
    const cache = new TokenStatusCache(2);
    cache.remember('old', learned('Blocked', 0));
    cache.remember('new', learned('Accepted', 0));
    cache.remember('old', learned('Blocked', 0));
    cache.remember('newest', learned('Accepted', 0));
    expect(cache.lookup('old')?.status).toBe('Blocked');
    expect(cache.lookup('new')).toBeUndefined();
  });
});
