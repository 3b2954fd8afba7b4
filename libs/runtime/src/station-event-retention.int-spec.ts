import { openDatabase, StationEventEntity, type DataSource } from '@evcsms/data-access';
import { silentLogger } from '@evcsms/logging';
import { createTestDatabase, type TestDatabase } from '@evcsms/testing';
import { StationEventRetention } from './station-event-retention';

const DAY_MS = 86_400_000;

describe('station event retention', () => {
  jest.setTimeout(30_000);
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDatabase({ url: database.url });
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('deletes the events older than the retention and keeps the rest', async () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    const ages = [400, 91, 90.5, 89, 1, 0];
    await dataSource.getRepository(StationEventEntity).insert(
      ages.map((days, i) => ({
        stationId: 'CS-RETENTION',
        protocol: 'ocpp2.0.1',
        action: 'SecurityEventNotification',
        connectionId: 'c1',
        messageId: `m${i}`,
        payload: { days },
        receivedAt: new Date(now - days * DAY_MS),
      })),
    );
    const retention = new StationEventRetention(dataSource, 90, silentLogger);
    expect(await retention.pruneNow(now)).toBe(3);
    const left = await dataSource.getRepository(StationEventEntity).find({ where: { stationId: 'CS-RETENTION' }, order: { receivedAt: 'ASC' } });
    expect(left.map((row) => row.payload['days'])).toEqual([89, 1, 0]);
    expect(await retention.pruneNow(now)).toBe(0);
  });
});
