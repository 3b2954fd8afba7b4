import { Body, Controller, Delete, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  findTokenByValue,
  getReservation,
  listTokens,
  insertReservation,
  listReservations,
  nextReservationId,
  updateReservationStatus,
  type DataSource,
  type ReservationEntity,
  type ReservationStatus,
} from '@evcsms/data-access';
import { RequireScope } from '../auth/api-key.guard';
import { stationRefused, StationCaller } from '../commands/station-caller';
import { DATABASE } from '../http/database.token';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import { decodeCursor, pageSize, toPage, type Page } from '../http/pagination';
import { badRequest, notFound, ProblemError } from '../http/problem';
import { ApiAnswer, ApiJsonBody, ApiPageQuery, ApiProblems } from '../openapi/api-contract.decorators';
import { component, dateTime, integer, nullable, pageOf, string, view } from '../openapi/schema-components';
import { reserveNowPayload, type RegisteredToken } from './reserve-now.payload';

const STATUSES: ReservationStatus[] = ['Requested', 'Accepted', 'Rejected', 'Used', 'Cancelled', 'Expired'];

interface CreateReservation {
  evseId?: number;
  connectorId?: number;
  connectorType?: string;
  idToken: string;
  idTokenType?: string;
  expiresAt: string;
}

const CONNECTOR_TYPES = [
  'cCCS1', 'cCCS2', 'cG105', 'cTesla', 'cType1', 'cType2', 's309-1P-16A', 's309-1P-32A', 's309-3P-16A', 's309-3P-32A', 'sBS1361',
  'sCEE-7-7', 'sType2', 'sType3', 'Other1PhMax16A', 'Other1PhOver16A', 'Other3Ph', 'Pan', 'wInductive', 'wResonant', 'Undetermined', 'Unknown',
];

const CREATE_SCHEMA = {
  type: 'object',
  properties: {
    evseId: { type: 'integer', minimum: 0, description: '2.0.1 EVSE id; for 1.6 the connector id (0 = the station as a whole)' },
    connectorId: { type: 'integer', minimum: 0 },
    connectorType: { type: 'string', enum: CONNECTOR_TYPES, description: '2.0.1 only: reserve a connector of this type (400 for a 1.6 station)' },
    idToken: { type: 'string', minLength: 1, maxLength: 36 },
    idTokenType: {
      type: 'string',
      enum: ['ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress'],
      description: '2.0.1: defaults to the type the token is registered with (Central if it is not registered)',
    },
    expiresAt: { type: 'string', format: 'date-time' },
  },
  required: ['idToken', 'expiresAt'],
  additionalProperties: false,
};

export interface ReservationView {
  readonly id: number;
  readonly stationId: string;
  readonly evseId: number | null;
  readonly connectorId: number | null;
  readonly idToken: string;
  readonly expiresAt: string;
  readonly status: ReservationStatus;
  readonly createdAt: string;
}

const RESERVATION = component(
  'Reservation',
  view({
    id: { type: 'integer', description: 'the reservation id sent to the station' },
    stationId: string,
    evseId: nullable(integer),
    connectorId: nullable(integer),
    idToken: string,
    expiresAt: dateTime,
    status: { type: 'string', enum: STATUSES },
    createdAt: dateTime,
  }),
);

@ApiTags('reservations')
@Controller()
export class ReservationsController {
  constructor(
    @Inject(DATABASE) private readonly db: DataSource,
    private readonly station: StationCaller,
  ) {}

  @Post('stations/:id/reservations')
  @RequireScope('operate')
  @ApiOperation({
    summary: 'Reserve a station, EVSE or connector for a token until a time (ReserveNow)',
    description: '201 with the reservation once the station accepted it; 409 with stationStatus when it answered Occupied, Faulted, Unavailable or Rejected, or is offline.',
  })
  @ApiJsonBody(component('ReservationCreate', CREATE_SCHEMA))
  @ApiAnswer(RESERVATION, 201)
  @ApiProblems(400, 404, 409, 502, 504)
  async create(@Param('id') stationId: string, @Body(new JsonSchemaPipe<CreateReservation>(CREATE_SCHEMA)) body: CreateReservation): Promise<ReservationView> {
    const expiresAt = new Date(body.expiresAt);
    if (expiresAt.getTime() <= Date.now()) throw badRequest('expiresAt must be in the future');
    const protocol = await this.station.protocolOf(stationId);
    const evseId = body.evseId ?? null;
    const connectorId = body.connectorId ?? null;
    const registered = await this.registeredToken(body.idToken, body.idTokenType);
    const id = await nextReservationId(this.db);
    const payload = reserveNowPayload(protocol, { ...body, id, evseId, connectorId, expiresAt }, registered);
    // Recorded before it is sent, so a StartTransaction on it that races the answer finds it.
    await insertReservation(this.db, { id, stationId, evseId, connectorId, idToken: body.idToken, expiresAt, status: 'Requested' });
    let answer: Record<string, unknown>;
    try {
      answer = await this.station.ask(stationId, 'ReserveNow', payload);
    } catch (error) {
      // Not delivered or not answered: the station may still have it (a timeout), so only a
      // refusal by the routing layer ends it here; otherwise it expires on its own.
      if (error instanceof ProblemError && error.status === 409) await updateReservationStatus(this.db, id, 'Rejected', ['Requested']);
      throw error;
    }
    const accepted = answer['status'] === 'Accepted';
    await updateReservationStatus(this.db, id, accepted ? 'Accepted' : 'Rejected', ['Requested']);
    if (!accepted) throw stationRefused('the reservation', answer['status'], { reservationId: id });
    return this.view(id);
  }

  @Get('reservations')
  @RequireScope('read')
  @ApiOperation({ summary: 'Reservations, newest first; past their expiry without a station report they read as Expired' })
  @ApiQuery({ name: 'stationId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: STATUSES })
  @ApiPageQuery()
  @ApiAnswer(pageOf('Reservation', RESERVATION))
  @ApiProblems(400)
  async list(
    @Query('stationId') stationId?: string,
    @Query('status') status?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<Page<ReservationView>> {
    if (status !== undefined && !STATUSES.includes(status as ReservationStatus)) throw badRequest(`status must be one of ${STATUSES.join(', ')}`);
    const size = pageSize(limit);
    const before = decodeCursor<{ id: number }>(cursor, ['id']);
    const rows = await listReservations(this.db, {
      limit: size + 1,
      ...(stationId !== undefined ? { stationId } : {}),
      ...(status !== undefined ? { status: status as ReservationStatus } : {}),
      ...(before ? { beforeId: before.id } : {}),
    });
    return toPage(rows, size, toView, (row) => ({ id: row.id }));
  }

  @Get('reservations/:id')
  @RequireScope('read')
  @ApiOperation({ summary: 'One reservation' })
  @ApiAnswer(RESERVATION)
  @ApiProblems(404)
  async get(@Param('id') id: string): Promise<ReservationView> {
    return this.view(reservationNumber(id));
  }

  @Delete('reservations/:id')
  @RequireScope('operate')
  @ApiOperation({ summary: 'Cancel a reservation at the station (CancelReservation); 409 when it is no longer open or the station refuses' })
  @ApiAnswer(RESERVATION)
  @ApiProblems(404, 409, 502, 504)
  async cancel(@Param('id') id: string): Promise<ReservationView> {
    const reservation = await this.find(reservationNumber(id));
    if (reservation.status !== 'Accepted' && reservation.status !== 'Requested') {
      throw new ProblemError(409, 'Conflict', `reservation ${reservation.id} is ${reservation.status}, not open`);
    }
    const answer = await this.station.ask(reservation.stationId, 'CancelReservation', { reservationId: reservation.id });
    if (answer['status'] !== 'Accepted') throw stationRefused('the cancellation', answer['status'], { reservationId: reservation.id });
    await updateReservationStatus(this.db, reservation.id, 'Cancelled', ['Requested', 'Accepted']);
    return this.view(reservation.id);
  }

  /** The token as registered: of the type asked for, or by value alone (ISO14443 first). */
  private async registeredToken(idToken: string, type: string | undefined): Promise<RegisteredToken | null> {
    if (type === undefined) return findTokenByValue(this.db, idToken);
    const [token] = await listTokens(this.db, { limit: 1, idToken, type });
    return token ?? null;
  }

  private async find(id: number): Promise<ReservationEntity> {
    const reservation = await getReservation(this.db, id);
    if (!reservation) throw notFound(`reservation ${id}`);
    return reservation;
  }

  private async view(id: number): Promise<ReservationView> {
    return toView(await this.find(id));
  }
}

function reservationNumber(raw: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 0 || id > 2 ** 31 - 1) throw notFound(`reservation ${raw}`);
  return id;
}

function toView(row: ReservationEntity): ReservationView {
  return {
    id: row.id,
    stationId: row.stationId,
    evseId: row.evseId,
    connectorId: row.connectorId,
    idToken: row.idToken,
    expiresAt: row.expiresAt.toISOString(),
    status: row.status,
    createdAt: row.createdAt.toISOString(),
  };
}
