import { Inject, Injectable } from '@nestjs/common';
import { stationAdminTransaction, type DataSource, type StationAdminStore, type StationEntity, type StationPatch } from '@evcsms/data-access';
import { hashPassword } from '@evcsms/gateway';
import { ApiCommandRouter } from '../commands/station-caller';
import { DATABASE } from '../http/database.token';
import { badRequest, notFound, ProblemError } from '../http/problem';
import { changeProfile, provisioningProblem, type SecurityProfile } from './security-profile.rules';
import { passwordProblem } from './station-password.policy';
import type { ProvisionStationBody, UpdateStationBody } from './station-provisioning.schemas';

/** Whether profile 0 (no authentication) may be provisioned: the gateway's OCPP_ALLOW_SECURITY_PROFILE_0. */
export abstract class ProvisioningPolicy {
  abstract readonly allowSecurityProfile0: boolean;
}

export interface ProvisionedStationView {
  readonly id: string;
  readonly siteId: string | null;
  readonly securityProfile: number;
  readonly pendingSecurityProfile: number | null;
  readonly hasPassword: boolean;
  readonly passwordRotationPending: boolean;
  readonly vendor: string | null;
  readonly model: string | null;
  readonly tags: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

const invalid = (path: string, message: string): ProblemError => badRequest('The request body is invalid', { errors: [{ path, message }] });

/**
 * Stations as managed objects: provisioned with a site, a security profile and a password
 * (scrypt-hashed before it is stored), changed, and deleted. Every change is told to the
 * gateway pod holding the station, so it takes effect at the station's next connection (and a
 * deleted station's socket is closed at once).
 */
@Injectable()
export class StationProvisioningService {
  constructor(
    @Inject(DATABASE) private readonly db: DataSource,
    private readonly router: ApiCommandRouter,
    private readonly policy: ProvisioningPolicy,
  ) {}

  async provision(body: ProvisionStationBody): Promise<ProvisionedStationView> {
    const problem = provisioningProblem(body.securityProfile, body.password, this.policy.allowSecurityProfile0);
    if (problem) throw invalid(problem.path, problem.message);
    const passwordHash = body.password === undefined ? null : await hashPassword(checkedPassword(body.password));
    const station = await stationAdminTransaction(this.db, async (store) => {
      if (body.siteId !== undefined) await requireSite(store, body.siteId);
      return store.insertStation({
        id: body.id,
        siteId: body.siteId ?? null,
        securityProfile: body.securityProfile,
        passwordHash,
        vendor: body.vendor ?? null,
        model: body.model ?? null,
        tags: body.tags ?? [],
      });
    });
    if (!station) throw new ProblemError(409, 'Conflict', `station ${body.id} already exists`);
    await this.tellGateway(body.id, false);
    return provisionedView(station);
  }

  async update(stationId: string, body: UpdateStationBody): Promise<ProvisionedStationView> {
    const newHash = body.password === undefined ? undefined : await hashPassword(checkedPassword(body.password));
    const station = await stationAdminTransaction(this.db, async (store) => {
      const current = await store.lockStation(stationId);
      if (!current) throw notFound(`station ${stationId}`);
      const patch: StationPatch = {
        ...(body.vendor !== undefined ? { vendor: body.vendor } : {}),
        ...(body.model !== undefined ? { model: body.model } : {}),
        ...(body.tags !== undefined ? { tags: body.tags } : {}),
      };
      if (body.siteId !== undefined) {
        if (body.siteId !== null) await requireSite(store, body.siteId);
        patch.siteId = body.siteId;
      }
      if (newHash !== undefined) {
        if (current.passwordHash) throw new ProblemError(409, 'Conflict', `station ${stationId} has a password: rotate it (POST /stations/${stationId}/credentials/rotate)`);
        patch.passwordHash = newHash;
      }
      if (body.securityProfile !== undefined) {
        const decision = changeProfile(
          { securityProfile: current.securityProfile as SecurityProfile, pendingSecurityProfile: current.pendingSecurityProfile as SecurityProfile | null, hasPassword: current.passwordHash !== null },
          body.securityProfile,
          { allowProfile0: this.policy.allowSecurityProfile0, passwordGiven: newHash !== undefined },
        );
        if (!decision.ok) throw decision.status === 400 ? invalid('/securityProfile', decision.detail) : new ProblemError(409, 'Conflict', decision.detail);
        patch.pendingSecurityProfile = decision.pendingSecurityProfile;
      }
      return store.updateStation(current, patch);
    });
    await this.tellGateway(stationId, false);
    return provisionedView(station);
  }

  /** Marks the station deleted and closes its socket; its sessions and CDRs stay. */
  async remove(stationId: string): Promise<void> {
    const deleted = await stationAdminTransaction(this.db, (store) => store.deleteStation(stationId));
    if (!deleted) throw notFound(`station ${stationId}`);
    await this.tellGateway(stationId, true);
  }

  /** Best effort: the change is stored; a pod that misses this reads it when its cache entry expires. */
  private async tellGateway(stationId: string, close: boolean): Promise<void> {
    await this.router.credentialsChanged(stationId, { close }).catch(() => false);
  }
}

export function provisionedView(station: StationEntity): ProvisionedStationView {
  return {
    id: station.id,
    siteId: station.siteId,
    securityProfile: station.securityProfile,
    pendingSecurityProfile: station.pendingSecurityProfile,
    hasPassword: station.passwordHash !== null,
    passwordRotationPending: station.pendingPasswordHash !== null,
    vendor: station.vendor,
    model: station.model,
    tags: station.tags,
    createdAt: station.createdAt.toISOString(),
    updatedAt: station.updatedAt.toISOString(),
  };
}

export function checkedPassword(password: string): string {
  const problem = passwordProblem(password);
  if (problem) throw invalid('/password', problem);
  return password;
}

async function requireSite(store: StationAdminStore, siteId: string): Promise<void> {
  if (!(await store.lockSiteShared(siteId))) throw invalid('/siteId', `site ${siteId} does not exist`);
}
