import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { publishCommandOperations } from './command-operations';
import { addCommonProblems } from './common-problems';
import { toOpenApi30 } from './openapi30-dialect';
import { componentSchemas } from './schema-components';

const TAGS: ReadonlyArray<[string, string]> = [
  ['stations', 'Charging stations, their connectors and online state; provisioning, credentials and security profiles'],
  ['sites', 'Sites (locations) stations belong to: time zone, address, grid connection'],
  ['sessions', 'Charging sessions and their meter values'],
  ['tokens', 'Authorization tokens (RFID cards, app tokens), matched case-insensitively'],
  ['commands', 'Commands to stations, mapped to the protocol version each speaks'],
  ['reservations', 'Reservations of a station, EVSE or connector (ReserveNow / CancelReservation)'],
  ['local authorization lists', 'The local authorization list each station holds (SendLocalList)'],
  ['connections', 'Live WebSocket connections, by gateway pod'],
  ['tariffs', 'OCPI 2.2.1 tariffs, their versions and which tariff applies where'],
  ['cdrs', 'Charge detail records (OCPI 2.2.1 CDR shape)'],
  ['statements', 'Statements per token or token group for a period'],
  ['api-keys', 'API keys and their scopes'],
];

/**
 * The OpenAPI 3.0 document of the API, made from the controllers' decorators and the schema
 * objects the pipes validate with (components.schemas). Served at /docs-json and linted in CI.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('EV CSMS API')
    .setDescription('Stations, sessions, tokens, commands, tariffs, CDRs and statements. Errors are RFC 7807 application/problem+json; lists are {items, nextCursor}.')
    .setVersion('1')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer('/')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (`csms_...`), opaque to clients: "Authorization: Bearer <key>".' }, 'bearer')
    .addSecurityRequirements('bearer');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build());
  const bearer = document.components?.securitySchemes?.['bearer'];
  // DocumentBuilder fills in bearerFormat "JWT"; these keys are opaque strings.
  if (bearer && 'bearerFormat' in bearer) delete bearer.bearerFormat;
  publishCommandOperations(document);
  addCommonProblems(document);
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...componentSchemas() } };
  return toOpenApi30(document);
}
