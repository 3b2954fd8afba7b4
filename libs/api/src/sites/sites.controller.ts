import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { getSite, listSites, stationAdminTransaction, type DataSource, type SitePatch } from '@evcsms/data-access';
import { RequireScope } from '../auth/api-key.guard';
import { DATABASE } from '../http/database.token';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import { decodeCursor, pageSize, toPage, type Page } from '../http/pagination';
import { badRequest, notFound, ProblemError } from '../http/problem';
import { ApiAnswer, ApiJsonBody, ApiPageQuery, ApiProblems } from '../openapi/api-contract.decorators';
import { pageOf } from '../openapi/schema-components';
import { CREATE_SITE, CREATE_SITE_SCHEMA, PATCH_SITE, PATCH_SITE_SCHEMA, SITE, type SiteBody, type SitePatchBody } from './site.schemas';
import { timeZoneProblem } from './site-time-zone.rules';
import { siteView, type SiteView } from './site.view';

@ApiTags('sites')
@Controller('sites')
export class SitesController {
  constructor(@Inject(DATABASE) private readonly db: DataSource) {}

  @Post()
  @RequireScope('operate')
  @ApiOperation({ summary: 'Create a site (a location stations belong to)', description: 'The id is generated (a UUID) unless given; an id in use is a 409.' })
  @ApiJsonBody(CREATE_SITE)
  @ApiAnswer(SITE, 201)
  @ApiProblems(400, 409)
  async create(@Body(new JsonSchemaPipe<SiteBody>(CREATE_SITE_SCHEMA)) body: SiteBody): Promise<SiteView> {
    requireTimeZone(body.timeZone);
    const id = body.id ?? randomUUID();
    const site = await stationAdminTransaction(this.db, (store) =>
      store.insertSite({
        id,
        name: body.name,
        timeZone: body.timeZone,
        address: body.address ?? null,
        latitude: body.coordinates?.latitude ?? null,
        longitude: body.coordinates?.longitude ?? null,
        gridConnection: body.gridConnection ?? null,
        openingTimes: body.openingTimes ?? null,
        operator: body.operator ?? null,
        parkingType: body.parkingType ?? null,
        tags: body.tags ?? [],
      }),
    );
    if (!site) throw new ProblemError(409, 'Conflict', `site ${id} already exists`);
    return siteView(site);
  }

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'Sites, by id' })
  @ApiPageQuery()
  @ApiAnswer(pageOf('Site', SITE))
  @ApiProblems(400)
  async list(@Query('limit') limit?: string, @Query('cursor') cursor?: string): Promise<Page<SiteView>> {
    const size = pageSize(limit);
    const after = decodeCursor<{ id: string }>(cursor, ['id']);
    const sites = await listSites(this.db, { limit: size + 1, ...(after ? { afterId: after.id } : {}) });
    return toPage(sites, size, siteView, (site) => ({ id: site.id }));
  }

  @Get(':id')
  @RequireScope('read')
  @ApiOperation({ summary: 'One site' })
  @ApiAnswer(SITE)
  @ApiProblems(404)
  async get(@Param('id') id: string): Promise<SiteView> {
    const site = await getSite(this.db, id);
    if (!site) throw notFound(`site ${id}`);
    return siteView(site);
  }

  @Patch(':id')
  @RequireScope('operate')
  @ApiOperation({ summary: 'Change a site', description: 'Only the fields sent change; null clears an optional one. A new time zone prices sessions that start afterwards.' })
  @ApiJsonBody(PATCH_SITE)
  @ApiAnswer(SITE)
  @ApiProblems(400, 404)
  async update(@Param('id') id: string, @Body(new JsonSchemaPipe<SitePatchBody>(PATCH_SITE_SCHEMA)) body: SitePatchBody): Promise<SiteView> {
    if (body.timeZone !== undefined) requireTimeZone(body.timeZone);
    const site = await stationAdminTransaction(this.db, (store) => store.updateSite(id, sitePatch(body)));
    if (!site) throw notFound(`site ${id}`);
    return siteView(site);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('operate')
  @ApiOperation({ summary: 'Delete an empty site', description: 'A site that still has stations is not deleted (409): move or delete them first.' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiProblems(404, 409)
  async remove(@Param('id') id: string): Promise<void> {
    const outcome = await stationAdminTransaction(this.db, (store) => store.deleteSite(id));
    if (outcome === 'not-found') throw notFound(`site ${id}`);
    if (outcome !== 'deleted') throw new ProblemError(409, 'Conflict', `site ${id} still has ${outcome.stations} station(s); move or delete them first`, { stations: outcome.stations });
  }
}

function requireTimeZone(timeZone: string): void {
  const problem = timeZoneProblem(timeZone);
  if (problem) throw badRequest('The request body is invalid', { errors: [{ path: '/timeZone', message: problem }] });
}

function sitePatch(body: SitePatchBody): SitePatch {
  return {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.timeZone !== undefined ? { timeZone: body.timeZone } : {}),
    ...(body.address !== undefined ? { address: body.address } : {}),
    ...(body.coordinates !== undefined ? { latitude: body.coordinates?.latitude ?? null, longitude: body.coordinates?.longitude ?? null } : {}),
    ...(body.gridConnection !== undefined ? { gridConnection: body.gridConnection } : {}),
    ...(body.openingTimes !== undefined ? { openingTimes: body.openingTimes } : {}),
    ...(body.operator !== undefined ? { operator: body.operator } : {}),
    ...(body.parkingType !== undefined ? { parkingType: body.parkingType } : {}),
    ...(body.tags !== undefined ? { tags: body.tags } : {}),
  };
}
