export { startApiServer, type ApiDependencies, type ApiServer, type ApiServerOptions } from './api-server';
export { ApiKeysService, hashApiKey, API_SCOPES } from './auth/api-keys.service';
export { STATION_COMMANDS } from './commands/station-commands';
