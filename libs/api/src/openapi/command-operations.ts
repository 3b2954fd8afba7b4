import type { OpenAPIObject, OperationObject, ParameterObject, PathItemObject } from '@nestjs/swagger';
import { COMMAND_ANSWER, QUEUED_COMMAND } from '../commands/command.schemas';
import { STATION_COMMANDS } from '../commands/station-commands';
import { component } from './schema-components';

const GENERIC_SUFFIX = '/commands/{command}';
const COMMAND_DESCRIPTION =
  "Sent in the station's protocol version. 200 with the station's answer; 202 when queued for an offline station (queueIfOffline=true); " +
  '404 unknown station; 409 offline or refused; 429 its command queue is full; 502 it answered a CALLERROR (errorCode); 504 no answer in time.';

/**
 * `POST /stations/{id}/commands/{command}` is one route, but each command has its own body: the
 * document publishes one operation per command (`.../commands/reset`, ...) with that command's
 * schema, so a generated client types each call's body and answer. A oneOf body on the generic
 * path could not tie a body to its command name.
 */
export function publishCommandOperations(document: OpenAPIObject): void {
  const genericPath = Object.keys(document.paths).find((path) => path.endsWith(GENERIC_SUFFIX));
  const generic = genericPath ? document.paths[genericPath]?.post : undefined;
  if (!genericPath || !generic) throw new Error('the generic command route is missing from the OpenAPI document');
  delete document.paths[genericPath];
  const parameters = (generic.parameters ?? []).filter((parameter) => (parameter as ParameterObject).name !== 'command');
  for (const [command, definition] of Object.entries(STATION_COMMANDS)) {
    const name = command.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
    const operation: OperationObject = {
      ...generic,
      operationId: `CommandsController_${name.charAt(0).toLowerCase()}${name.slice(1)}`,
      summary: definition.summary,
      description: COMMAND_DESCRIPTION,
      parameters,
      requestBody: {
        required: Array.isArray(definition.body['required']) && definition.body['required'].length > 0,
        content: { 'application/json': { schema: component(`${name}Command`, definition.body) } },
      },
      responses: {
        ...generic.responses,
        '200': { description: "The station's answer", content: { 'application/json': { schema: COMMAND_ANSWER } } },
        '202': { description: 'Queued for the offline station (queueIfOffline=true)', content: { 'application/json': { schema: QUEUED_COMMAND } } },
      },
    };
    const item: PathItemObject = { post: operation };
    document.paths[genericPath.replace(GENERIC_SUFFIX, `/commands/${command}`)] = item;
  }
}
