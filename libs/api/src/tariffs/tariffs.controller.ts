import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { insertTariffVersion, isUniqueViolation, listLatestTariffs, tariffVersionsOf, type DataSource, type TariffEntity } from '@evcsms/data-access';
import { RequireScope } from '../auth/api-key.guard';
import { DATABASE } from '../http/database.token';
import { decodeCursor, pageSize, toPage, type Page } from '../http/pagination';
import { badRequest, notFound, ProblemError } from '../http/problem';
import { checkedTariff, fieldError, isJsonObject, TARIFF_SCHEMA } from './tariff-documents';
import { ApiAnswer, ApiJsonBody, ApiPageQuery, ApiProblems } from '../openapi/api-contract.decorators';
import { component } from '../openapi/schema-components';
import { TARIFF, TARIFF_DETAIL, TARIFF_PAGE, tariffView, versionSummary } from './tariff.views';

const TARIFF_BODY = component('TariffCreate', TARIFF_SCHEMA);

@ApiTags('tariffs')
@Controller('tariffs')
export class TariffsController {
  constructor(@Inject(DATABASE) private readonly db: DataSource) {}

  @Post()
  @RequireScope('operate')
  @ApiOperation({
    summary: 'Create a tariff (OCPI 2.2.1 Tariff object); 201 with its id and version 1',
    description: '400 with `errors: [{path, message}]` (JSON Pointers) when the tariff is invalid; 409 when the id is taken.',
  })
  @ApiJsonBody(TARIFF_BODY)
  @ApiAnswer(TARIFF, 201)
  @ApiProblems(400, 409)
  async create(@Body() body: unknown): Promise<Record<string, unknown>> {
    if (!isJsonObject(body)) throw badRequest('The request body must be an OCPI Tariff object');
    if (body['version'] !== undefined && body['version'] !== 1) throw fieldError('/version', 'a new tariff is version 1; add versions with POST /tariffs/{id}/versions');
    const document = { ...body, id: body['id'] ?? randomUUID(), version: 1 };
    const tariff = checkedTariff(document);
    try {
      return tariffView(await this.insert(document, tariff.currency, tariff.validFrom, tariff.validUntil));
    } catch (error) {
      if (isUniqueViolation(error)) throw new ProblemError(409, 'Conflict', `tariff ${tariff.id} exists; add a version with POST /api/v1/tariffs/${tariff.id}/versions`);
      throw error;
    }
  }

  @Post(':id/versions')
  @RequireScope('operate')
  @ApiOperation({
    summary: 'Add a version to a tariff (a new price); versions are never edited',
    description:
      'The next version number is assigned. Without `start_date_time` the version applies from now. Sessions keep the versions known when they started. Same currency as the tariff.',
  })
  @ApiJsonBody(TARIFF_BODY)
  @ApiAnswer(TARIFF, 201)
  @ApiProblems(400, 404, 409)
  async addVersion(@Param('id') id: string, @Body() body: unknown): Promise<Record<string, unknown>> {
    if (!isJsonObject(body)) throw badRequest('The request body must be an OCPI Tariff object');
    const versions = await this.versionsOf(id);
    const latest = versions[versions.length - 1]!;
    const next = latest.version + 1;
    if (body['id'] !== undefined && body['id'] !== id) throw fieldError('/id', `must be ${id} (or left out)`);
    if (body['version'] !== undefined && body['version'] !== next) throw fieldError('/version', `the next version of ${id} is ${next}`);
    const document = { ...body, id, version: next, start_date_time: body['start_date_time'] ?? new Date().toISOString() };
    const tariff = checkedTariff(document);
    if (tariff.currency !== latest.currency) throw fieldError('/currency', `every version of ${id} is in ${latest.currency}`);
    try {
      return tariffView(await this.insert(document, tariff.currency, tariff.validFrom, tariff.validUntil));
    } catch (error) {
      if (isUniqueViolation(error)) throw new ProblemError(409, 'Conflict', `version ${next} of ${id} was added concurrently; read the tariff and try again`);
      throw error;
    }
  }

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'Tariffs (latest version of each), by id' })
  @ApiPageQuery()
  @ApiAnswer(TARIFF_PAGE)
  @ApiProblems(400)
  async list(@Query('limit') limit?: string, @Query('cursor') cursor?: string): Promise<Page<Record<string, unknown>>> {
    const size = pageSize(limit);
    const after = decodeCursor<{ id: string }>(cursor, ['id']);
    const rows = await listLatestTariffs(this.db, { limit: size + 1, ...(after ? { afterId: after.id } : {}) });
    return toPage(rows, size, tariffView, (row) => ({ id: row.id }));
  }

  @Get(':id')
  @RequireScope('read')
  @ApiOperation({ summary: 'A tariff: its latest version, and the list of its versions' })
  @ApiAnswer(TARIFF_DETAIL)
  @ApiProblems(404)
  async get(@Param('id') id: string): Promise<Record<string, unknown>> {
    const versions = await this.versionsOf(id);
    return { ...tariffView(versions[versions.length - 1]!), versions: versions.map(versionSummary) };
  }

  @Get(':id/versions/:version')
  @RequireScope('read')
  @ApiOperation({ summary: 'One version of a tariff, as it was created' })
  @ApiAnswer(TARIFF)
  @ApiProblems(404)
  async version(@Param('id') id: string, @Param('version') version: string): Promise<Record<string, unknown>> {
    const found = (await this.versionsOf(id)).find((row) => String(row.version) === version);
    if (!found) throw notFound(`version ${version} of tariff ${id}`);
    return tariffView(found);
  }

  private async versionsOf(id: string): Promise<TariffEntity[]> {
    const versions = await tariffVersionsOf(this.db, id);
    if (versions.length === 0) throw notFound(`tariff ${id}`);
    return versions;
  }

  private insert(document: Record<string, unknown>, currency: string, validFrom: number | null, validUntil: number | null): Promise<TariffEntity> {
    return insertTariffVersion(this.db, {
      id: document['id'] as string,
      version: document['version'] as number,
      currency,
      document,
      validFrom: validFrom === null ? null : new Date(validFrom),
      validUntil: validUntil === null ? null : new Date(validUntil),
    });
  }
}
