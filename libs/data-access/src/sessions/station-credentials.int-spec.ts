import { createTestDatabase, type TestDatabase } from '@evcsms/testing';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../data-source';
import { StationCredentialLoader } from './station-credentials.query';

describe('station credentials for the gateway, on PostgreSQL', () => {
  jest.setTimeout(60_000);
  let database: TestDatabase;
  let dataSource: DataSource;
  let statements: string[];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await openDatabase({ url: database.url });
    await dataSource.query(
      `INSERT INTO stations (id, security_profile, password_hash, vendor, model) VALUES
         ('CP-PLAIN', 0, NULL, NULL, NULL), ('CP-BASIC', 1, 'scrypt$hash', 'ACME', 'Wallbox 22'), ('CP-TLS', 3, NULL, 'ACME', NULL)`,
    );
    const query = dataSource.query.bind(dataSource);
    dataSource.query = (async (text: string, parameters?: unknown[]) => {
      statements.push(text);
      return query(text, parameters);
    }) as DataSource['query'];
  });
  beforeEach(() => {
    statements = [];
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('answers each station what it is registered with, and nothing for an unknown one', async () => {
    const loader = new StationCredentialLoader(dataSource);
    expect(await loader.find('CP-BASIC')).toEqual({ stationId: 'CP-BASIC', securityProfile: 1, passwordHash: 'scrypt$hash', vendor: 'ACME', model: 'Wallbox 22' });
    expect(await loader.find('CP-PLAIN')).toEqual({ stationId: 'CP-PLAIN', securityProfile: 0 });
    expect(await loader.find('CP-TLS')).toEqual({ stationId: 'CP-TLS', securityProfile: 3, vendor: 'ACME' });
    expect(await loader.find('CP-NOBODY')).toBeUndefined();
  });

  it('looks up a reconnect storm of stations asking in the same turn with one query per thousand', async () => {
    const loader = new StationCredentialLoader(dataSource);
    const ids = Array.from({ length: 2_500 }, (_, i) => (i % 500 === 0 ? 'CP-BASIC' : `CP-STORM-${i}`));
    const answers = await Promise.all(ids.map((id) => loader.find(id)));
    expect(statements).toHaveLength(3);
    expect(answers.filter((answer) => answer?.stationId === 'CP-BASIC')).toHaveLength(5);
    expect(answers.filter((answer) => answer === undefined)).toHaveLength(2_495);
  });

  it('fails every lookup of a turn when the database does, and works again after', async () => {
    const loader = new StationCredentialLoader(dataSource);
    const query = dataSource.query;
    dataSource.query = (async () => {
      throw new Error('connection terminated');
    }) as DataSource['query'];
    const failing = [loader.find('CP-BASIC'), loader.find('CP-PLAIN')];
    await Promise.all(failing.map((lookup) => expect(lookup).rejects.toThrow('connection terminated')));
    dataSource.query = query;
    expect(await loader.find('CP-PLAIN')).toEqual({ stationId: 'CP-PLAIN', securityProfile: 0 });
  });
});
