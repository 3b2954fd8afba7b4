import { Partitioners } from 'kafkajs';
import { partitionForKey } from '@evcsms/bus';

describe('the in-process bus partitions keys exactly as Kafka does', () => {
  it('agrees with kafkajs’ DefaultPartitioner (Java-compatible murmur2) for every key and partition count', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    const keys = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'CS-0001',
      'station/with/slashes',
      'Grüße-⚡-ladestation',
      ...Array.from({ length: 300 }, (_, i) => `EVSE-${i}-${(i * 7919).toString(36)}`),
    ];
    for (const count of [1, 3, 4, 8, 12, 32]) {
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] }));
      for (const key of keys) {
        const expected = partitioner({ topic: 't', partitionMetadata, message: { key, value: 'v' } });
        expect([key, count, partitionForKey(key, count)]).toEqual([key, count, expected]);
      }
    }
  });
});
