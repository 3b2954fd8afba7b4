import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { buildStatement, statementToCsv, type Statement } from '@evcsms/billing';
import { cdrFromRow, moneyView } from '@evcsms/billing-service';
import { cdrsIssuedBetween, type DataSource } from '@evcsms/data-access';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../auth/api-key.guard';
import { DATABASE } from '../http/database.token';
import { instantParameter } from '../http/parameters';
import { badRequest, ProblemError } from '../http/problem';

/** A statement is built in memory: beyond this many records, ask for a shorter period. */
const MAX_STATEMENT_RECORDS = 100_000;

@ApiTags('statements')
@Controller('statements')
@RequireScope('read')
export class StatementsController {
  constructor(@Inject(DATABASE) private readonly db: DataSource) {}

  @Get()
  @ApiOperation({
    summary: 'A statement per token or token group for a period, as JSON or CSV',
    description:
      'The CDRs issued in [from, to) (a credit lands in the period it is issued in), grouped per token uid or group and currency. Totals are sums of the CDRs to the minor unit.',
  })
  @ApiQuery({ name: 'groupBy', required: false, enum: ['token', 'group'], description: 'default token' })
  @ApiQuery({ name: 'from', required: true, description: 'ISO-8601, inclusive' })
  @ApiQuery({ name: 'to', required: true, description: 'ISO-8601, exclusive' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'default json' })
  @ApiProduces('application/json', 'text/csv')
  async statement(
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('groupBy') groupBy = 'token',
    @Query('format') format = 'json',
  ): Promise<unknown> {
    if (groupBy !== 'token' && groupBy !== 'group') throw badRequest('groupBy must be token or group');
    if (format !== 'json' && format !== 'csv') throw badRequest('format must be json or csv');
    if (from === undefined || to === undefined) throw badRequest('from and to are required');
    const start = instantParameter(from, 'from');
    const end = instantParameter(to, 'to');
    if (end.getTime() <= start.getTime()) throw badRequest('to must be after from');
    const rows = await cdrsIssuedBetween(this.db, start, end, MAX_STATEMENT_RECORDS + 1);
    if (rows.length > MAX_STATEMENT_RECORDS) throw new ProblemError(422, 'Unprocessable Entity', `more than ${MAX_STATEMENT_RECORDS} records in the period; ask for a shorter one`);
    const statement = buildStatement(rows.map(cdrFromRow), { groupBy, from: start, to: end });
    if (format === 'csv') {
      void reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="statement-${groupBy}-${start.toISOString().slice(0, 10)}-${end.toISOString().slice(0, 10)}.csv"`);
      return statementToCsv(statement);
    }
    return statementView(statement);
  }
}

/** The statement as JSON: camelCase, Money as decimal strings beside each group's currency. */
function statementView(statement: Statement): Record<string, unknown> {
  return {
    groupBy: statement.groupBy,
    from: statement.from,
    to: statement.to,
    groups: statement.groups.map((group) => ({
      key: group.key,
      currency: group.currency,
      totals: { cdrCount: group.totals.cdrCount, energyWh: Number(group.totals.energyWh), cost: moneyView(group.totals.cost) },
      lines: group.lines.map((line) => ({
        cdrId: line.cdrId,
        record: line.record,
        creditReferenceId: line.creditReferenceId,
        replacesCdrId: line.replacesCdrId,
        sessionId: line.sessionId,
        stationId: line.stationId,
        tokenUid: line.tokenUid,
        tokenGroup: line.tokenGroup,
        startDateTime: line.startDateTime,
        endDateTime: line.endDateTime,
        issuedAt: line.issuedAt,
        energyWh: Number(line.energyWh),
        cost: moneyView(line.cost),
      })),
    })),
  };
}
