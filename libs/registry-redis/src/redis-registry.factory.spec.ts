import { ConfigError } from '@evcsms/config';
import { redisRegistryFromEnv, redisRegistryOptionsFromEnv } from './redis-registry.factory';

describe('Redis registry configuration from the environment', () => {
  it('reads REDIS_URL and REDIS_KEY_PREFIX, with fail-fast defaults for the timeouts', () => {
    expect(redisRegistryOptionsFromEnv({ REDIS_URL: 'redis://:secret@redis.internal:6380/2', REDIS_KEY_PREFIX: 'tenant-a:' })).toEqual({
      url: 'redis://:secret@redis.internal:6380/2',
      keyPrefix: 'tenant-a:',
      commandTimeoutMs: 2_000,
      connectTimeoutMs: 3_000,
    });
  });

  it('uses the "csms:" prefix when none is set, and takes timeouts from REDIS_*_TIMEOUT_MS', () => {
    const options = redisRegistryOptionsFromEnv({ REDIS_URL: 'rediss://redis:6379', REDIS_COMMAND_TIMEOUT_MS: '500', REDIS_CONNECT_TIMEOUT_MS: '1500' });
    expect(options).toMatchObject({ keyPrefix: 'csms:', commandTimeoutMs: 500, connectTimeoutMs: 1_500 });
  });

  it.each([
    [{}, /REDIS_URL: required/],
    [{ REDIS_URL: '   ' }, /REDIS_URL: required/],
    [{ REDIS_URL: 'http://redis:6379' }, /REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/],
    [{ REDIS_URL: 'redis://redis', REDIS_COMMAND_TIMEOUT_MS: 'soon' }, /REDIS_COMMAND_TIMEOUT_MS: expected an integer/],
    [{ REDIS_URL: 'redis://redis', REDIS_COMMAND_TIMEOUT_MS: '0' }, /REDIS_COMMAND_TIMEOUT_MS: must be >= 50/],
  ])('refuses %j at boot, naming the variable', (env, message) => {
    expect(() => redisRegistryOptionsFromEnv(env)).toThrow(ConfigError);
    expect(() => redisRegistryOptionsFromEnv(env)).toThrow(message);
  });

  it('redisRegistryFromEnv rejects a bad configuration before connecting anywhere', async () => {
    await expect(redisRegistryFromEnv({ REDIS_URL: 'localhost:6379' })).rejects.toThrow(ConfigError);
  });
});
