import { ConfigError } from '@evcsms/config';
import { DEFAULT_GATEWAY_OPTIONS, gatewayOptionsFromEnv } from '../gateway.options';

const read = (): string => '';

describe('AUTH_CACHE_* configuration', () => {
  it('defaults to answering at half the budget, 24 h age limit, unknown tokens refused, 100,000 tokens', () => {
    expect(gatewayOptionsFromEnv({}, read).authorizeAtEdge).toEqual({ fallbackPercent: 50, maxAgeMs: 86_400_000, unknownPolicy: 'reject', maxEntries: 100_000 });
    expect(DEFAULT_GATEWAY_OPTIONS.authorizeAtEdge.unknownPolicy).toBe('reject');
  });

  it('reads every variable', () => {
    const env = { AUTH_CACHE_FALLBACK_PERCENT: '0', AUTH_CACHE_MAX_AGE_MS: '600000', AUTH_CACHE_UNKNOWN_POLICY: 'accept', AUTH_CACHE_MAX_ENTRIES: '500' };
    expect(gatewayOptionsFromEnv(env, read).authorizeAtEdge).toEqual({ fallbackPercent: 0, maxAgeMs: 600_000, unknownPolicy: 'accept', maxEntries: 500 });
  });

  it.each([
    ['AUTH_CACHE_UNKNOWN_POLICY', 'allow'],
    ['AUTH_CACHE_FALLBACK_PERCENT', '101'],
    ['AUTH_CACHE_MAX_ENTRIES', '0'],
    ['AUTH_CACHE_MAX_AGE_MS', '1h'],
  ])('refuses %s=%s at start-up, naming the variable', (name, value) => {
    expect(() => gatewayOptionsFromEnv({ [name]: value }, read)).toThrow(ConfigError);
    expect(() => gatewayOptionsFromEnv({ [name]: value }, read)).toThrow(name);
  });
});
