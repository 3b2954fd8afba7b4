export * from './metrics-registry';
export * from './ops-http.server';
