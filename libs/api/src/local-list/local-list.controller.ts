import { Body, Controller, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  applyLocalListUpdate,
  getLocalList,
  lastLocalListUpdate,
  recordLocalListIntent,
  recordLocalListVersion,
  settleLocalListUpdate,
  type DataSource,
  type IdTokenStatus,
  type LocalList,
  type LocalListEntry,
  type LocalListUpdateRecord,
} from '@evcsms/data-access';
import type { OcppVersion } from '@evcsms/ocpp';
import { RequireScope } from '../auth/api-key.guard';
import { deliveredWithoutAnswer, stationRefused, StationCaller } from '../commands/station-caller';
import { DATABASE } from '../http/database.token';
import { JsonSchemaPipe } from '../http/json-schema.pipe';
import { flagParameter } from '../http/parameters';
import { badRequest, ProblemError } from '../http/problem';
import { ApiAnswer, ApiJsonBody, ApiProblems } from '../openapi/api-contract.decorators';
import { component, dateTime, integer, nullable, string, view } from '../openapi/schema-components';

interface EntryBody {
  idToken: string;
  type?: string;
  status?: IdTokenStatus;
  groupId?: string;
  expiresAt?: string;
}
interface UpdateBody {
  updateType: 'Full' | 'Differential';
  entries: EntryBody[];
}

/** A full list can be long; stations advertise their own maximum (LocalAuthListMaxLength / ItemsPerMessage). */
const MAX_ENTRIES = 1000;

const UPDATE_SCHEMA = {
  type: 'object',
  properties: {
    updateType: { enum: ['Full', 'Differential'] },
    entries: {
      type: 'array',
      maxItems: MAX_ENTRIES,
      items: {
        type: 'object',
        properties: {
          idToken: { type: 'string', minLength: 1, maxLength: 36 },
          type: { type: 'string', enum: ['ISO14443', 'ISO15693', 'eMAID', 'Central', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'] },
          status: { enum: ['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx'], description: 'omit in a Differential update to remove the entry' },
          groupId: { type: 'string', minLength: 1, maxLength: 36 },
          expiresAt: { type: 'string', format: 'date-time' },
        },
        required: ['idToken'],
        additionalProperties: false,
      },
    },
  },
  required: ['updateType', 'entries'],
  additionalProperties: false,
};

export interface LocalListView {
  readonly stationId: string;
  readonly version: number | null;
  readonly entries: ReadonlyArray<{ idToken: string; type: string; status: string; groupId: string | null; expiresAt: string | null }>;
  readonly lastUpdate: {
    version: number;
    updateType: string;
    status: string;
    stationStatus: string | null;
    failure: string | null;
    requestedAt: string;
    settledAt: string | null;
  } | null;
}

const LOCAL_LIST = component(
  'LocalList',
  view({
    stationId: string,
    version: { ...nullable(integer), description: 'the version the station holds; null before the first update' },
    entries: { type: 'array', items: view({ idToken: string, type: string, status: string, groupId: nullable(string), expiresAt: nullable(dateTime) }) },
    lastUpdate: {
      ...view({
        version: integer,
        updateType: { type: 'string', enum: ['Full', 'Differential'] },
        status: { type: 'string', enum: ['Pending', 'Accepted', 'Refused', 'Unanswered', 'Failed'] },
        stationStatus: nullable(string),
        failure: nullable(string),
        requestedAt: dateTime,
        settledAt: nullable(dateTime),
      }),
      nullable: true,
      description: 'the latest SendLocalList sent, whatever came of it: Unanswered means the station may or may not hold that version (ask with refresh=true)',
    },
  }),
);

@ApiTags('local authorization lists')
@Controller('stations/:id/local-list')
export class LocalListController {
  constructor(
    @Inject(DATABASE) private readonly db: DataSource,
    private readonly station: StationCaller,
  ) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: "The local authorization list the station last accepted, and its version; refresh=true asks the station for its version (GetLocalListVersion)" })
  @ApiQuery({ name: 'refresh', required: false, enum: ['true', 'false'] })
  @ApiAnswer(LOCAL_LIST)
  @ApiProblems(404, 409, 502, 504)
  async get(@Param('id') stationId: string, @Query('refresh') refresh?: string): Promise<LocalListView> {
    if (flagParameter(refresh, 'refresh') === true) {
      const protocol = await this.station.protocolOf(stationId);
      const answer = await this.station.ask(stationId, 'GetLocalListVersion', {});
      const version = answer[protocol === 'ocpp1.6' ? 'listVersion' : 'versionNumber'];
      if (typeof version === 'number') await recordLocalListVersion(this.db, stationId, version);
    }
    return toView(stationId, await getLocalList(this.db, stationId), await lastLocalListUpdate(this.db, stationId));
  }

  @Put()
  @RequireScope('operate')
  @ApiOperation({
    summary: 'Send the station a new local list version (SendLocalList, Full or Differential)',
    description:
      'The version is the stored one plus one. The entries are checked (one entry per idToken and type) and the update recorded before the station is called; ' +
      '200 with the list once the station accepted it; 409 with stationStatus on Failed, NotSupported or VersionMismatch (send a Full update then). ' +
      'Whatever the outcome, `lastUpdate` of GET shows it.',
  })
  @ApiJsonBody(component('LocalListUpdate', UPDATE_SCHEMA))
  @ApiAnswer(LOCAL_LIST)
  @ApiProblems(404, 409, 502, 504)
  async update(@Param('id') stationId: string, @Body(new JsonSchemaPipe<UpdateBody>(UPDATE_SCHEMA)) body: UpdateBody): Promise<LocalListView> {
    const protocol = await this.station.protocolOf(stationId);
    const entries = checkedEntries(body);
    const current = await getLocalList(this.db, stationId);
    const version = (current.version ?? 0) + 1;
    // Intent first: if the entries could not be stored, the station is never told about them.
    const updateId = await recordLocalListIntent(this.db, stationId, { version, updateType: body.updateType, entries });
    let answer: Record<string, unknown>;
    try {
      answer = await this.station.ask(stationId, 'SendLocalList', sendLocalListPayload(protocol, version, body.updateType, entries));
    } catch (error) {
      // 504, or received and disconnected: the station may or may not hold the version now; anything else: it was not applied.
      const unanswered = (error instanceof ProblemError && error.status === 504) || deliveredWithoutAnswer(error);
      await settleLocalListUpdate(this.db, updateId, { status: unanswered ? 'Unanswered' : 'Failed', failure: error instanceof Error ? error.message : String(error) });
      throw error;
    }
    if (answer['status'] !== 'Accepted') {
      await settleLocalListUpdate(this.db, updateId, { status: 'Refused', stationStatus: String(answer['status']) });
      throw stationRefused(`local list version ${version}`, answer['status'], { version });
    }
    await applyLocalListUpdate(this.db, stationId, { version, updateType: body.updateType, entries, updateId });
    return toView(stationId, await getLocalList(this.db, stationId), await lastLocalListUpdate(this.db, stationId));
  }
}

/**
 * Everything about the entries that would otherwise only fail once the station had accepted them:
 * a Full update's entries all need a status, and one entry per token (IdTokens are
 * case-insensitive) and type, or the station and the stored copy could disagree on which won.
 */
function checkedEntries(body: UpdateBody): LocalListEntry[] {
  const entries = body.entries.map(toEntry);
  const errors: Array<{ path: string; message: string }> = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (body.updateType === 'Full' && entry.status === null) errors.push({ path: `body.entries[${index}].status`, message: 'every entry of a Full update needs a status' });
    const key = `${entry.type}:${entry.idToken.toLowerCase()}`;
    const first = seen.get(key);
    if (first !== undefined) errors.push({ path: `body.entries[${index}].idToken`, message: `the same token and type as entries[${first}]` });
    else seen.set(key, index);
  });
  if (errors.length > 0) throw badRequest(`The local list update is invalid: ${errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`, { errors });
  return entries;
}

function toEntry(entry: EntryBody): LocalListEntry {
  return {
    idToken: entry.idToken,
    type: entry.type ?? 'ISO14443',
    status: entry.status ?? null,
    groupIdToken: entry.groupId ?? null,
    expiresAt: entry.expiresAt ? new Date(entry.expiresAt) : null,
  };
}

function sendLocalListPayload(protocol: OcppVersion, version: number, updateType: 'Full' | 'Differential', entries: readonly LocalListEntry[]): Record<string, unknown> {
  if (protocol === 'ocpp1.6') {
    return {
      listVersion: version,
      updateType,
      localAuthorizationList: entries.map((entry) => ({
        idTag: entry.idToken,
        ...(entry.status === null
          ? {}
          : {
              idTagInfo: {
                status: entry.status,
                ...(entry.expiresAt ? { expiryDate: entry.expiresAt.toISOString() } : {}),
                ...(entry.groupIdToken ? { parentIdTag: entry.groupIdToken } : {}),
              },
            }),
      })),
    };
  }
  return {
    versionNumber: version,
    updateType,
    ...(entries.length
      ? {
          localAuthorizationList: entries.map((entry) => ({
            idToken: { idToken: entry.idToken, type: entry.type },
            ...(entry.status === null
              ? {}
              : {
                  idTokenInfo: {
                    status: entry.status,
                    ...(entry.expiresAt ? { cacheExpiryDateTime: entry.expiresAt.toISOString() } : {}),
                    ...(entry.groupIdToken ? { groupIdToken: { idToken: entry.groupIdToken, type: 'Central' } } : {}),
                  },
                }),
          })),
        }
      : {}),
  };
}

function toView(stationId: string, list: LocalList, last: LocalListUpdateRecord | null): LocalListView {
  return {
    stationId,
    version: list.version,
    entries: list.entries.map((entry) => ({
      idToken: entry.idToken,
      type: entry.type,
      status: entry.status,
      groupId: entry.groupIdToken,
      expiresAt: entry.expiresAt?.toISOString() ?? null,
    })),
    lastUpdate: last && {
      version: last.version,
      updateType: last.updateType,
      status: last.status,
      stationStatus: last.stationStatus,
      failure: last.failure,
      requestedAt: last.requestedAt.toISOString(),
      settledAt: last.settledAt?.toISOString() ?? null,
    },
  };
}
