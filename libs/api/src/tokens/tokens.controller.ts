import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { getToken, isUniqueViolation, listTokens, saveToken, type DataSource, type IdTokenEntity, type IdTokenStatus } from '@evcsms/data-access';
import { DATABASE } from '../http/database.token';
import { RequireScope } from '../auth/api-key.guard';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import { decodeCursor, pageSize, toPage, type Page } from '../http/pagination';
import { notFound, ProblemError } from '../http/problem';

const TOKEN_TYPES = ['ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'];
const STATUSES = ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx'];

interface CreateToken {
  idToken: string;
  type: string;
  status: IdTokenStatus;
  groupId?: string;
  expiresAt?: string;
}
type UpdateToken = Partial<Pick<CreateToken, 'status' | 'groupId' | 'expiresAt'>> & { groupId?: string | null; expiresAt?: string | null };

const CREATE_SCHEMA = {
  type: 'object',
  properties: {
    idToken: { type: 'string', minLength: 1, maxLength: 36 },
    type: { type: 'string', enum: TOKEN_TYPES },
    status: { type: 'string', enum: STATUSES },
    groupId: { type: 'string', minLength: 1, maxLength: 36 },
    expiresAt: { type: 'string', format: 'date-time' },
  },
  required: ['idToken', 'type', 'status'],
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

@ApiTags('tokens')
@Controller('tokens')
export class TokensController {
  constructor(@Inject(DATABASE) private readonly db: DataSource) {}

  @Post()
  @RequireScope('operate')
  @ApiOperation({ summary: 'Create an authorization token (RFID card, app token, ...)' })
  @ApiBody({ schema: CREATE_SCHEMA })
  async create(@Body(new JsonSchemaPipe<CreateToken>(CREATE_SCHEMA)) body: CreateToken): Promise<TokenView> {
    try {
      const saved = await saveToken(this.db, {
        idToken: body.idToken,
        type: body.type,
        status: body.status,
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
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@Query('limit') limit?: string, @Query('cursor') cursor?: string): Promise<Page<TokenView>> {
    const size = pageSize(limit);
    const after = decodeCursor<{ id: string }>(cursor, ['id']);
    const rows = await listTokens(this.db, { limit: size + 1, ...(after ? { afterId: after.id } : {}) });
    return toPage(rows, size, toView, (row) => ({ id: row.id }));
  }

  @Get(':id')
  @RequireScope('read')
  async get(@Param('id') id: string): Promise<TokenView> {
    return toView(await this.find(id));
  }

  @Patch(':id')
  @RequireScope('operate')
  @ApiBody({ schema: UPDATE_SCHEMA })
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
