import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiScope } from '@evcsms/data-access';
import { RequireScope } from '../auth/api-key.guard';
import { API_SCOPES, ApiKeysService } from '../auth/api-keys.service';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import { notFound } from '../http/problem';

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

@ApiTags('api-keys')
@Controller('api-keys')
@RequireScope('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the key itself is in this answer only' })
  @ApiBody({ schema: CREATE_SCHEMA })
  async create(@Body(new JsonSchemaPipe<CreateKey>(CREATE_SCHEMA)) body: CreateKey): Promise<Record<string, unknown>> {
    const { key, record } = await this.keys.create(body.name, body.scopes);
    return { id: record.id, name: record.name, scopes: record.scopes, key, keyPrefix: record.keyPrefix, createdAt: record.createdAt.toISOString() };
  }

  @Get()
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
  async revoke(@Param('id') id: string): Promise<void> {
    if (!/^[0-9a-f-]{36}$/i.test(id) || !(await this.keys.revoke(id))) throw notFound(`API key ${id}`);
  }
}
