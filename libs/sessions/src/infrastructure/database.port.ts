/**
 * What the sessions domain needs from the database: a connection it can run a transaction on.
 * TypeORM's DataSource (from @evcsms/data-access: openDatabase / createDataSource) fits as it is;
 * the domain depends on this shape, not on the ORM.
 */
export interface SqlQueryResult {
  // The driver's rows; each query site states the row shape it selects.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly records: any[];
  readonly affected?: number | undefined;
}

export interface SqlSession {
  readonly isTransactionActive: boolean;
  connect(): Promise<unknown>;
  startTransaction(): Promise<void>;
  commitTransaction(): Promise<void>;
  rollbackTransaction(): Promise<void>;
  release(): Promise<void>;
  query(query: string, parameters: unknown[] | undefined, useStructuredResult: true): Promise<SqlQueryResult>;
}

export interface SessionsDataSource {
  createQueryRunner(): SqlSession;
}
