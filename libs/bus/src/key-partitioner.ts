/**
 * Key -> partition exactly as Kafka's default partitioner (Java client, kafkajs 2.x
 * DefaultPartitioner): murmur2 of the key's UTF-8 bytes, made positive, modulo the partition
 * count. The in-process bus uses it, so a station lands on the same partition number in both
 * modes when the partition counts match.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const encoder = new TextEncoder();

export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length % 4;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[whole]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

export function partitionForKey(key: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partition count must be a positive integer, got ${partitions}`);
  return (murmur2(encoder.encode(key)) & 0x7fffffff) % partitions;
}
