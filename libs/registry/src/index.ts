export * from './connection-registry.port';
