import type Redis from 'ioredis';

/**
 * The Lua scripts behind every operation that reads and writes several keys: Redis runs a script
 * atomically, so no other client sees or interleaves with a half-done register, unregister, reap
 * or take. Keys that depend on data (the old pod of a station, the stations of a pod) are built
 * inside the script from the prefix in ARGV[1]; the layout is in redis-keys.ts.
 *
 * defineCommand sends EVALSHA and falls back to EVAL on NOSCRIPT, so the scripts survive a Redis
 * restart (which empties the script cache).
 */

/** Returns, in a flat array, the stations of the pod (ARGV[2]) that still point to it, after deleting them. */
const DRAIN_POD = `
local function drain(prefix, pod, podKey, stationsKey)
  local out = {}
  for _, id in ipairs(redis.call('ZRANGE', podKey, 0, -1)) do
    local stationKey = prefix .. 'reg:station:' .. id
    local cur = redis.call('HMGET', stationKey, 'pod', 'conn', 'proto', 'since')
    if cur[1] == pod then
      redis.call('DEL', stationKey)
      redis.call('ZREM', stationsKey, id)
      out[#out + 1] = id
      out[#out + 1] = cur[2]
      out[#out + 1] = cur[3]
      out[#out + 1] = cur[4]
    end
  end
  redis.call('DEL', podKey)
  return out
end
`;

interface ScriptSource {
  readonly keys: number;
  readonly lua: string;
}

export const REGISTRY_LUA = {
  /**
   * KEYS: station, stations, pod (new), pods. ARGV: prefix, stationId, podId, conn, proto, since.
   * Writes the entry and returns the one it replaced ({pod, conn, proto, since}), from a live pod
   * or a dead one: whoever removes a connection's entry reports it offline, and a replaced entry
   * is no longer there for a reaper to find. Moves the station out of its old pod's set.
   */
  register: {
    keys: 4,
    lua: `
local prefix, id, pod = ARGV[1], ARGV[2], ARGV[3]
local old = redis.call('HMGET', KEYS[1], 'pod', 'conn', 'proto', 'since')
redis.call('HSET', KEYS[1], 'pod', pod, 'conn', ARGV[4], 'proto', ARGV[5], 'since', ARGV[6])
redis.call('ZADD', KEYS[2], 0, id)
redis.call('ZADD', KEYS[3], 0, id)
redis.call('SADD', KEYS[4], pod)
local oldPod = old[1]
if not oldPod then return false end
if oldPod ~= pod then redis.call('ZREM', prefix .. 'reg:pod:' .. oldPod, id) end
return old
`,
  },
  /** KEYS: station, stations. ARGV: prefix, stationId, conn. Deletes the entry only if it is still that connection's. */
  unregister: {
    keys: 2,
    lua: `
local cur = redis.call('HMGET', KEYS[1], 'pod', 'conn')
if cur[2] ~= ARGV[3] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', ARGV[1] .. 'reg:pod:' .. cur[1], ARGV[2])
return 1
`,
  },
  /** KEYS: station. ARGV: prefix. The entry if its pod's lease is alive. */
  lookup: {
    keys: 1,
    lua: `
local cur = redis.call('HMGET', KEYS[1], 'pod', 'conn', 'proto', 'since')
if not cur[1] then return false end
if redis.call('EXISTS', ARGV[1] .. 'reg:lease:' .. cur[1]) == 0 then return false end
return cur
`,
  },
  /**
   * KEYS: index (stations, or one pod's set). ARGV: prefix, cursor ('' = start), limit, pod filter
   * ('' = any), scan budget. Returns {nextCursor ('' = end), id, pod, conn, proto, since, ...}: live
   * entries after the cursor in id order. The budget bounds the work of one call when many entries
   * belong to dead pods; the page is then shorter than the limit but the cursor moves on.
   */
  list: {
    keys: 1,
    lua: `
local prefix, cursor, limit, podFilter, budget = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local out = {''}
local count, examined, last = 0, 0, cursor
local alive = {}
while count < limit and examined < budget do
  local start = '-'
  if last ~= '' then start = '(' .. last end
  local ids = redis.call('ZRANGEBYLEX', KEYS[1], start, '+', 'LIMIT', 0, math.min(256, budget - examined))
  if #ids == 0 then break end
  for _, id in ipairs(ids) do
    examined = examined + 1
    last = id
    local cur = redis.call('HMGET', prefix .. 'reg:station:' .. id, 'pod', 'conn', 'proto', 'since')
    local pod = cur[1]
    if pod and (podFilter == '' or pod == podFilter) then
      if alive[pod] == nil then alive[pod] = redis.call('EXISTS', prefix .. 'reg:lease:' .. pod) == 1 end
      if alive[pod] then
        count = count + 1
        out[#out + 1] = id
        out[#out + 1] = pod
        out[#out + 1] = cur[2]
        out[#out + 1] = cur[3]
        out[#out + 1] = cur[4]
        if count >= limit then break end
      end
    end
  end
end
if last ~= '' and #redis.call('ZRANGEBYLEX', KEYS[1], '(' .. last, '+', 'LIMIT', 0, 1) > 0 then out[1] = last end
return out
`,
  },
  /**
   * KEYS: lease, pods, epoch. ARGV: podId, leaseMs. Sets the lease; returns {1 if it was still alive
   * else 0, the epoch token or ''} so the caller can tell a lapsed lease and a wiped store apart.
   */
  renew: {
    keys: 3,
    lua: `
local existed = redis.call('EXISTS', KEYS[1])
redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
local epoch = redis.call('GET', KEYS[3])
return {existed, epoch or ''}
`,
  },
  /** KEYS: lease, pods, pod, stations. ARGV: prefix, podId. Ends the lease; returns the stations it still held (flat), now removed. */
  release: {
    keys: 4,
    lua: `${DRAIN_POD}
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
return drain(ARGV[1], ARGV[2], KEYS[3], KEYS[4])
`,
  },
  /** KEYS: pods. ARGV: prefix. Pods in the index whose lease key is gone (read only: reapPod decides). */
  deadPods: {
    keys: 1,
    lua: `
local dead = {}
for _, pod in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. 'reg:lease:' .. pod) == 0 then dead[#dead + 1] = pod end
end
return dead
`,
  },
  /**
   * KEYS: lease, pods, pod, stations. ARGV: prefix, podId. If the pod is still dead and still in the
   * index, takes it out and returns its stations (flat), removed; otherwise nil. Taking the pod out
   * of the index is the claim: of several reapers exactly one gets it, once.
   */
  reapPod: {
    keys: 4,
    lua: `${DRAIN_POD}
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
if redis.call('SREM', KEYS[2], ARGV[2]) == 0 then return false end
return drain(ARGV[1], ARGV[2], KEYS[3], KEYS[4])
`,
  },
  /** KEYS: epoch. ARGV: a fresh token. Returns the epoch token, writing ours if there was none. */
  epoch: {
    keys: 1,
    lua: `
local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`,
  },
} satisfies Record<string, ScriptSource>;

export const PENDING_LUA = {
  /**
   * KEYS: command, queue, seq. ARGV: commandId, command JSON, createdAtMs, expiresAtMs,
   * recordExpireAtMs, nowMs, nowIso, stationId. Returns 0 when the command already exists (a retry).
   * Queue members are "<16-digit sequence>:<commandId>" so equal createdAt scores keep enqueue order;
   * the queue key lives at least as long as its longest-lived command.
   */
  enqueue: {
    keys: 3,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local member = string.format('%016d', redis.call('INCR', KEYS[3])) .. ':' .. ARGV[1]
redis.call('HSET', KEYS[1], 'cmd', ARGV[2], 'status', 'Queued', 'updatedAt', ARGV[7], 'expiresAtMs', ARGV[4], 'station', ARGV[8], 'member', member)
redis.call('PEXPIREAT', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[3], member)
local ttl = redis.call('PTTL', KEYS[2])
if ttl < 0 or tonumber(ARGV[6]) + ttl < tonumber(ARGV[5]) then redis.call('PEXPIREAT', KEYS[2], ARGV[5]) end
return 1
`,
  },
  /**
   * KEYS: queue. ARGV: prefix, nowMs, nowIso, retentionMs. Empties the station's queue: returns the
   * JSON of each command still due, oldest first, marked taken; marks the expired ones Expired.
   */
  takeDue: {
    keys: 1,
    lua: `
local prefix, now, nowIso, retention = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local out = {}
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = prefix .. 'cmd:' .. string.sub(member, 18)
  local rec = redis.call('HMGET', key, 'cmd', 'status', 'expiresAtMs', 'taken')
  if rec[1] and rec[2] == 'Queued' and not rec[4] then
    if tonumber(rec[3]) <= now then
      redis.call('HSET', key, 'status', 'Expired', 'updatedAt', nowIso)
      redis.call('PEXPIRE', key, retention)
    else
      redis.call('HSET', key, 'taken', '1')
      out[#out + 1] = rec[1]
    end
  end
end
redis.call('DEL', KEYS[1])
return out
`,
  },
  /** KEYS: command. ARGV: prefix, status, outcome JSON, nowIso, retentionMs. Records the end; the record expires after the retention. */
  complete: {
    keys: 1,
    lua: `
local rec = redis.call('HMGET', KEYS[1], 'station', 'member')
if not rec[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'outcome', ARGV[3], 'updatedAt', ARGV[4])
redis.call('HDEL', KEYS[1], 'taken')
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZREM', ARGV[1] .. 'cmdq:' .. rec[1], rec[2])
return 1
`,
  },
} satisfies Record<string, ScriptSource>;

type ScriptCall = (...args: Array<string | number>) => Promise<unknown>;

/**
 * Registers the scripts on a client (idempotent: a client shared by several adapters gets them
 * once per name) and returns typed callers. Names carry a namespace so they cannot clash with
 * commands defined by other code on the same client.
 */
export function defineScripts<N extends string>(redis: Redis, sources: Record<N, ScriptSource>): Record<N, ScriptCall> {
  const callers = {} as Record<N, ScriptCall>;
  for (const name of Object.keys(sources) as N[]) {
    const commandName = `evcsms_${name}`;
    const source = sources[name];
    const commands = redis as unknown as Record<string, ScriptCall | undefined>;
    if (typeof commands[commandName] !== 'function') redis.defineCommand(commandName, { numberOfKeys: source.keys, lua: source.lua });
    callers[name] = (...args) => (redis as unknown as Record<string, ScriptCall>)[commandName]!(...args);
  }
  return callers;
}
