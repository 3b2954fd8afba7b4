import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { getToken, isUniqueViolation, listTokens, saveToken, type DataSource, type IdTokenEntity, type IdTokenStatus } from '@evcsms/data-access';
import { DATABASE } from '../http/database.token';
import { RequireScope } from '../auth/api-key.guard';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import { decodeCursor, pageSize, toPage, type Page } from '../http/pagination';
import { badRequest, notFound, ProblemError } from '../http/problem';
import { ApiAnswer, ApiJsonBody, ApiPageQuery, ApiProblems } from '../openapi/api-contract.decorators';
import { component, dateTime, nullable, pageOf, string, view } from '../openapi/schema-components';

const TOKEN_TYPES = ['ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'];
const STATUSES = ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx'];

interface CreateToken {
  idToken: string;
  type: string;
  status?: IdTokenStatus;
  groupId?: string;
  expiresAt?: string;
}
type UpdateToken = Partial<Pick<CreateToken, 'status' | 'groupId' | 'expiresAt'>> & { groupId?: string | null; expiresAt?: string | null };

const CREATE_SCHEMA = {
  type: 'object',
  properties: {
    idToken: { type: 'string', minLength: 1, maxLength: 36 },
    type: { type: 'string', enum: TOKEN_TYPES },
    status: { type: 'string', enum: STATUSES, description: 'Accepted when left out' },
    groupId: { type: 'string', minLength: 1, maxLength: 36 },
    expiresAt: { type: 'string', format: 'date-time' },
  },
  required: ['idToken', 'type'],
  additionalProperties: false,
};
const UPDATE_SCHEMA = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: STATUSES },
    groupId: { type: 'string', nullable: true, minLength: 1, maxLength: 36 },
    expiresAt: { type: 'string', nullable: true, format: 'date-time' },
  },
  additionalProperties: false,
  minProperties: 1,
};

export interface TokenView {
  readonly id: string;
  readonly idToken: string;
  readonly type: string;
  readonly status: string;
  readonly groupId: string | null;
  readonly expiresAt: string | null;
}

const TOKEN = component(
  'Token',
  view({
    id: { type: 'string', format: 'uuid' },
    idToken: string,
    type: { type: 'string', enum: TOKEN_TYPES },
    status: { type: 'string', enum: STATUSES },
    groupId: nullable(string),
    expiresAt: nullable(dateTime),
  }),
);

@ApiTags('tokens')
@Controller('tokens')
export class TokensController {
  constructor(@Inject(DATABASE) private readonly db: DataSource) {}

  @Post()
  @RequireScope('operate')
  @ApiOperation({ summary: 'Create an authorization token (RFID card, app token, ...); status defaults to Accepted' })
  @ApiJsonBody(component('TokenCreate', CREATE_SCHEMA))
  @ApiAnswer(TOKEN, 201)
  @ApiProblems(400, 409)
  async create(@Body(new JsonSchemaPipe<CreateToken>(CREATE_SCHEMA)) body: CreateToken): Promise<TokenView> {
    try {
      const saved = await saveToken(this.db, {
        idToken: body.idToken,
        type: body.type,
        status: body.status ?? 'Accepted',
        groupIdToken: body.groupId ?? null,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      });
      return toView(saved);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ProblemError(409, 'Conflict', `token ${body.idToken} of type ${body.type} already exists`);
      }
      throw error;
    }
  }

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'Tokens by id; look one up by its idToken (case-insensitive) and type' })
  @ApiQuery({ name: 'idToken', required: false, schema: { type: 'string' }, description: 'the token value, matched case-insensitively' })
  @ApiQuery({ name: 'type', required: false, schema: { type: 'string', enum: TOKEN_TYPES } })
  @ApiPageQuery()
  @ApiAnswer(pageOf('Token', TOKEN))
  @ApiProblems(400)
  async list(@Query('idToken') idToken?: string, @Query('type') type?: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string): Promise<Page<TokenView>> {
    if (type !== undefined && !TOKEN_TYPES.includes(type)) throw badRequest(`type must be one of ${TOKEN_TYPES.join(', ')}`);
    const size = pageSize(limit);
    const after = decodeCursor<{ id: string }>(cursor, ['id']);
    const rows = await listTokens(this.db, {
      limit: size + 1,
      ...(after ? { afterId: after.id } : {}),
      ...(idToken !== undefined ? { idToken } : {}),
      ...(type !== undefined ? { type } : {}),
    });
    return toPage(rows, size, toView, (row) => ({ id: row.id }));
  }

  @Get(':id')
  @RequireScope('read')
  @ApiOperation({ summary: 'One token' })
  @ApiAnswer(TOKEN)
  @ApiProblems(404)
  async get(@Param('id') id: string): Promise<TokenView> {
    return toView(await this.find(id));
  }

  @Patch(':id')
  @RequireScope('operate')
  @ApiOperation({ summary: 'Change a token: status, group, expiry (null clears them)' })
  @ApiJsonBody(component('TokenUpdate', UPDATE_SCHEMA))
  @ApiAnswer(TOKEN)
  @ApiProblems(400, 404)
  async update(@Param('id') id: string, @Body(new JsonSchemaPipe<UpdateToken>(UPDATE_SCHEMA)) body: UpdateToken): Promise<TokenView> {
    const token = await this.find(id);
    if (body.status !== undefined) token.status = body.status;
    if (body.groupId !== undefined) token.groupIdToken = body.groupId;
    if (body.expiresAt !== undefined) token.expiresAt = body.expiresAt === null ? null : new Date(body.expiresAt);
    return toView(await saveToken(this.db, token));
  }

  @Post(':id/block')
  @RequireScope('operate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Block a token: stations are told at the next Authorize or local list update' })
  @ApiAnswer(TOKEN)
  @ApiProblems(404)
  async block(@Param('id') id: string): Promise<TokenView> {
    const token = await this.find(id);
    token.status = 'Blocked';
    return toView(await saveToken(this.db, token));
  }

  private async find(id: string): Promise<IdTokenEntity> {
    const token = /^[0-9a-f-]{36}$/i.test(id) ? await getToken(this.db, id) : null;
    if (!token) throw notFound(`token ${id}`);
    return token;
  }
}

function toView(token: IdTokenEntity): TokenView {
  return {
    id: token.id,
    idToken: token.idToken,
    type: token.type,
    status: token.status,
    groupId: token.groupIdToken,
    expiresAt: token.expiresAt?.toISOString() ?? null,
  };
}
