import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { cdrFromRow, cdrView } from '@evcsms/billing-service';
import { getCdr, listCdrs, type CdrRow, type DataSource } from '@evcsms/data-access';
import { RequireScope } from '../auth/api-key.guard';
import { DATABASE } from '../http/database.token';
import { decodeCursor, pageSize, toPage, type Page } from '../http/pagination';
import { badRequest, notFound } from '../http/problem';
import { instantParameter, UUID } from '../http/parameters';

@ApiTags('cdrs')
@Controller('cdrs')
@RequireScope('read')
export class CdrsController {
  constructor(@Inject(DATABASE) private readonly db: DataSource) {}

  @Get()
  @ApiOperation({
    summary: 'Charge detail records, newest issued first',
    description:
      'One debit per finished session; a correction adds a credit (credit: true, creditReferenceId) and a new debit (replacesCdrId). Records are never changed once issued.',
  })
  @ApiQuery({ name: 'sessionId', required: false })
  @ApiQuery({ name: 'stationId', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'issued at or after (ISO-8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'issued before (ISO-8601)' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(
    @Query('sessionId') sessionId?: string,
    @Query('stationId') stationId?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<Page<Record<string, unknown>>> {
    if (sessionId !== undefined && !UUID.test(sessionId)) throw badRequest('sessionId must be a session id (a UUID)');
    const size = pageSize(limit);
    const after = decodeCursor<{ issuedAt: string; id: string }>(cursor, ['issuedAt', 'id']);
    if (after && !UUID.test(after.id)) throw badRequest('cursor is not one this API issued');
    const rows = await listCdrs(this.db, {
      limit: size + 1,
      ...(sessionId !== undefined ? { sessionId } : {}),
      ...(stationId !== undefined ? { stationId } : {}),
      ...(from !== undefined ? { from: instantParameter(from, 'from') } : {}),
      ...(to !== undefined ? { to: instantParameter(to, 'to') } : {}),
      ...(after ? { after } : {}),
    });
    return toPage(rows, size, view, (row) => ({ issuedAt: new Date(row.issued_at).toISOString(), id: row.id }));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One CDR with its charging periods (OCPI 2.2.1 shape)' })
  async get(@Param('id') id: string): Promise<Record<string, unknown>> {
    const row = UUID.test(id) ? await getCdr(this.db, id) : undefined;
    if (!row) throw notFound(`CDR ${id}`);
    return view(row);
  }
}

function view(row: CdrRow): Record<string, unknown> {
  return cdrView(cdrFromRow(row));
}
