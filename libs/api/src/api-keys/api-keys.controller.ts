import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ApiScope } from '@evcsms/data-access';
import { RequireScope } from '../auth/api-key.guard';
import { API_SCOPES, ApiKeysService } from '../auth/api-keys.service';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import { notFound } from '../http/problem';
import { ApiAnswer, ApiJsonBody, ApiProblems } from '../openapi/api-contract.decorators';
import { component, dateTime, nullable, pageOf, string, view } from '../openapi/schema-components';

interface CreateKey {
  name: string;
  scopes: ApiScope[];
}
const CREATE_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    scopes: { type: 'array', items: { type: 'string', enum: [...API_SCOPES] }, minItems: 1, uniqueItems: true },
  },
  required: ['name', 'scopes'],
  additionalProperties: false,
};

const KEY_PROPERTIES = {
  id: { type: 'string', format: 'uuid' },
  name: string,
  scopes: { type: 'array', items: { type: 'string', enum: [...API_SCOPES] } },
  keyPrefix: { type: 'string', description: 'the first characters of the key, to recognise it' },
  createdAt: dateTime,
};
const API_KEY = component('ApiKey', view({ ...KEY_PROPERTIES, revokedAt: nullable(dateTime) }));
const CREATED_API_KEY = component('CreatedApiKey', view({ ...KEY_PROPERTIES, key: { type: 'string', description: 'the key itself: shown in this answer only' } }));

@ApiTags('api-keys')
@Controller('api-keys')
@RequireScope('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the key itself is in this answer only' })
  @ApiJsonBody(component('ApiKeyCreate', CREATE_SCHEMA))
  @ApiAnswer(CREATED_API_KEY, 201)
  @ApiProblems(400)
  async create(@Body(new JsonSchemaPipe<CreateKey>(CREATE_SCHEMA)) body: CreateKey): Promise<Record<string, unknown>> {
    const { key, record } = await this.keys.create(body.name, body.scopes);
    return { id: record.id, name: record.name, scopes: record.scopes, key, keyPrefix: record.keyPrefix, createdAt: record.createdAt.toISOString() };
  }

  @Get()
  @ApiOperation({ summary: 'API keys, revoked ones included; never the keys themselves' })
  @ApiAnswer(pageOf('ApiKey', API_KEY))
  async list(): Promise<{ items: unknown[]; nextCursor: null }> {
    const keys = await this.keys.list();
    return {
      items: keys.map((key) => ({
        id: key.id,
        name: key.name,
        scopes: key.scopes,
        keyPrefix: key.keyPrefix,
        createdAt: key.createdAt.toISOString(),
        revokedAt: key.revokedAt?.toISOString() ?? null,
      })),
      nextCursor: null,
    };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiResponse({ status: 204, description: 'Revoked' })
  @ApiProblems(404)
  async revoke(@Param('id') id: string): Promise<void> {
    if (!/^[0-9a-f-]{36}$/i.test(id) || !(await this.keys.revoke(id))) throw notFound(`API key ${id}`);
  }
}
