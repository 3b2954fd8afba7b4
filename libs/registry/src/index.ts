export * from './connection-registry.port';
export * from './registry.rules';
export * from './in-process';
