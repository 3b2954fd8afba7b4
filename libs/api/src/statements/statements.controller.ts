import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { buildStatement, statementToCsv, type Statement } from '@evcsms/billing';
import { cdrFromRow, moneyView } from '@evcsms/billing-service';
import { cdrsIssuedBetween, type DataSource } from '@evcsms/data-access';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../auth/api-key.guard';
import { DATABASE } from '../http/database.token';
import { periodParameters } from '../http/parameters';
import { badRequest, ProblemError } from '../http/problem';
import { ApiPeriodQuery, ApiProblems } from '../openapi/api-contract.decorators';
import { MONEY } from '../openapi/money.schema';
import { component, dateTime, integer, nullable, string, view } from '../openapi/schema-components';

const STATEMENT = component(
  'Statement',
  view({
    groupBy: { type: 'string', enum: ['token', 'group'] },
    from: dateTime,
    to: dateTime,
    groups: {
      type: 'array',
      items: view({
        key: { ...nullable(string), description: 'the token uid or group; null for sessions whose token has no group' },
        currency: string,
        totals: view({ cdrCount: integer, energyWh: integer, cost: MONEY }),
        lines: {
          type: 'array',
          items: view({
            cdrId: string,
            record: { type: 'string', enum: ['DEBIT', 'CREDIT'] },
            creditReferenceId: nullable(string),
            replacesCdrId: nullable(string),
            sessionId: string,
            stationId: string,
            tokenUid: string,
            tokenGroup: nullable(string),
            startDateTime: dateTime,
            endDateTime: dateTime,
            issuedAt: dateTime,
            energyWh: integer,
            cost: MONEY,
          }),
        },
      }),
    },
  }),
);

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
  @ApiPeriodQuery('issued', true)
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'default json' })
  @ApiResponse({ status: 200, description: 'The statement', content: { 'application/json': { schema: STATEMENT }, 'text/csv': { schema: { type: 'string' } } } })
  @ApiProblems(400, 422)
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
    const { from: start, to: end } = periodParameters(from, to) as { from: Date; to: Date };
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
