// Module boundaries, by Nx tag. Two dimensions:
// - which of our projects a project may import (onlyDependOnLibsWithTags);
// - which heavy third-party libraries it may import: each one lives behind exactly one adapter
//   type, so swapping Kafka, Redis, the ORM or the WebSocket engine touches one place.

/** heavy library -> the project types allowed to import it */
export const HEAVY_DEPENDENCY_OWNERS = {
  kafkajs: ['type:adapter-kafka', 'type:testing'],
  ioredis: ['type:adapter-redis', 'type:testing'],
  typeorm: ['type:data-access'],
  '@nestjs/typeorm': ['type:data-access'],
  pg: ['type:data-access', 'type:testing'],
  '@electric-sql/*': ['type:data-access', 'type:testing'],
  'uWebSockets.js': ['type:adapter-websocket'],
  ws: ['type:adapter-websocket', 'type:testing', 'type:tool'],
  'prom-client': ['type:adapter-metrics'],
};

/** project type -> project types it may depend on */
const ALLOWED_DEPENDENCIES = {
  'type:protocol': [],
  'type:config': [],
  'type:contracts': ['type:protocol'],
  'type:domain': ['type:protocol', 'type:contracts', 'type:domain'],
  'type:data-access': ['type:protocol', 'type:contracts', 'type:domain', 'type:config'],
  'type:adapter-kafka': ['type:protocol', 'type:contracts', 'type:config', 'type:ports'],
  'type:adapter-redis': ['type:protocol', 'type:contracts', 'type:config', 'type:ports'],
  'type:adapter-websocket': ['type:protocol', 'type:config'],
  'type:adapter-metrics': ['type:config'],
  'type:ports': ['type:protocol', 'type:contracts'],
  'type:feature': [
    'type:protocol', 'type:contracts', 'type:domain', 'type:config', 'type:ports', 'type:feature',
    'type:data-access', 'type:adapter-kafka', 'type:adapter-redis', 'type:adapter-websocket', 'type:adapter-metrics',
  ],
  'type:app': [
    'type:protocol', 'type:contracts', 'type:domain', 'type:config', 'type:ports', 'type:feature',
    'type:data-access', 'type:adapter-kafka', 'type:adapter-redis', 'type:adapter-websocket', 'type:adapter-metrics',
  ],
  'type:testing': [
    'type:protocol', 'type:contracts', 'type:domain', 'type:config', 'type:ports', 'type:feature',
    'type:data-access', 'type:adapter-kafka', 'type:adapter-redis', 'type:adapter-websocket', 'type:adapter-metrics',
    'type:testing',
  ],
  'type:tool': ['type:protocol', 'type:contracts', 'type:config', 'type:testing', 'type:tool'],
};

/** The protocol library is publishable on its own: pure TypeScript plus its schema source. */
const PROTOCOL_EXTERNALS = ['ajv', 'ajv-formats', 'ocpp-rpc', 'ocpp-rpc/*'];

function bannedHeavyDependencies(typeTag, inTests) {
  return Object.entries(HEAVY_DEPENDENCY_OWNERS)
    .filter(([, owners]) => !owners.includes(typeTag) && !(inTests && owners.includes('type:testing')))
    .map(([dependency]) => dependency);
}

function constraints(inTests) {
  return Object.entries(ALLOWED_DEPENDENCIES).map(([sourceTag, allowed]) => {
    const projects = inTests ? [...allowed, 'type:testing'] : allowed;
    return sourceTag === 'type:protocol' && !inTests
      ? { sourceTag, onlyDependOnLibsWithTags: projects, allowedExternalImports: PROTOCOL_EXTERNALS }
      : { sourceTag, onlyDependOnLibsWithTags: projects, bannedExternalImports: bannedHeavyDependencies(sourceTag, inTests) };
  });
}

export const depConstraints = constraints(false);
/** Tests of any project may also use the test harness and real clients (ws, pg). */
export const testDepConstraints = constraints(true);
