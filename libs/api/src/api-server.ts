import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger } from '@evcsms/logging';
import type { MetricsRegistry, ReadinessReport } from '@evcsms/metrics';
import type { ConnectionRegistry, PendingCommandStore } from '@evcsms/registry';
import type { CommandRouter } from '@evcsms/routing';
import type { DataSource } from '@evcsms/data-access';
import { DATABASE } from './http/database.token';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeysService } from './auth/api-keys.service';
import { CdrsController } from './cdrs/cdrs.controller';
import { CommandLimits, DEFAULT_CALL_TIMEOUT_MS } from './commands/command-limits';
import { CommandLog } from './commands/command-log';
import { CommandsController } from './commands/commands.controller';
import { RawOcppController } from './commands/raw-ocpp.controller';
import { ApiCommandRouter, ApiConnectionRegistry, ApiPendingCommands, StationCaller } from './commands/station-caller';
import { LocalListController } from './local-list/local-list.controller';
import { ReservationsController } from './reservations/reservations.controller';
import { ApiRegistryReader, ConnectionsController } from './connections/connections.controller';
import { registerAccessLog } from './http/access-log';
import { KnownQueryInterceptor } from './http/known-query.interceptor';
import { answerFrameworkError, ProblemFilter } from './http/problem';
import { RouteTable } from './http/route-table';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { TextGuardInterceptor } from './http/text-guard';
import { SessionsController } from './sessions/sessions.controller';
import { StatementsController } from './statements/statements.controller';
import { TariffAssignmentsController } from './tariffs/tariff-assignments.controller';
import { TariffsController } from './tariffs/tariffs.controller';
import { StationEventsController } from './stations/station-events.controller';
import { StationsController } from './stations/stations.controller';
import { CredentialRotationService } from './stations/credential-rotation.service';
import { StationProvisioningController } from './stations/station-provisioning.controller';
import { ProvisioningPolicy, StationProvisioningService } from './stations/station-provisioning.service';
import { SitesController } from './sites/sites.controller';
import { TokensController } from './tokens/tokens.controller';

export interface ApiDependencies {
  readonly dataSource: DataSource;
  readonly router: Pick<CommandRouter, 'send' | 'credentialsChanged'>;
  /** Whether stations may be provisioned with security profile 0 (the gateway's OCPP_ALLOW_SECURITY_PROFILE_0); default false. */
  readonly allowSecurityProfile0?: boolean;
  readonly registry: Pick<ConnectionRegistry, 'lookup' | 'list'>;
  readonly pendingCommands: Pick<PendingCommandStore, 'get'>;
  readonly adminApiKey: string | undefined;
  /** The gateway's call timeout (OCPP_CALL_TIMEOUT_MS): the longest `timeoutSeconds` of a command; default 30 s. */
  readonly callTimeoutMs?: number;
  readonly metrics: MetricsRegistry;
  readonly readiness: () => ReadinessReport | Promise<ReadinessReport>;
  readonly logger: Logger;
}

export interface ApiServerOptions {
  readonly host: string;
  readonly port: number;
}

export interface ApiServer {
  readonly port: number;
  readonly app: INestApplication;
  close(): Promise<void>;
}

@Module({})
class ApiModule {
  static forRoot(deps: ApiDependencies): DynamicModule {
    const routes = new RouteTable();
    return {
      module: ApiModule,
      controllers: [
        StationsController,
        StationProvisioningController,
        SitesController,
        StationEventsController,
        SessionsController,
        TokensController,
        CommandsController,
        RawOcppController,
        ReservationsController,
        LocalListController,
        ConnectionsController,
        TariffsController,
        TariffAssignmentsController,
        CdrsController,
        StatementsController,
        ApiKeysController,
      ],
      providers: [
        { provide: DATABASE, useValue: deps.dataSource },
        { provide: ApiCommandRouter, useValue: deps.router },
        { provide: ApiConnectionRegistry, useValue: deps.registry },
        { provide: ApiRegistryReader, useValue: deps.registry },
        { provide: ApiPendingCommands, useValue: deps.pendingCommands },
        StationCaller,
        { provide: CommandLog, useValue: new CommandLog(deps.logger, deps.metrics) },
        StationProvisioningService,
        CredentialRotationService,
        { provide: ProvisioningPolicy, useValue: { allowSecurityProfile0: deps.allowSecurityProfile0 ?? false } },
        { provide: CommandLimits, useValue: { callTimeoutMs: deps.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS } },
        { provide: ApiKeysService, useValue: new ApiKeysService(deps.dataSource, deps.adminApiKey) },
        { provide: APP_GUARD, useFactory: (reflector: Reflector, keys: ApiKeysService) => new ApiKeyGuard(reflector, keys), inject: [Reflector, ApiKeysService] },
        // After authentication, before every pipe and handler: NUL, control characters, unpaired surrogates.
        { provide: APP_INTERCEPTOR, useClass: TextGuardInterceptor },
        // Unknown query parameters answer 400 (a misspelt filter must not return everything).
        { provide: APP_INTERCEPTOR, useClass: KnownQueryInterceptor },
        { provide: RouteTable, useValue: routes },
        { provide: APP_FILTER, useValue: new ProblemFilter((error) => deps.logger.error('unexpected API error', { error }), routes) },
      ],
    };
  }
}

/**
 * The operator and partner REST API under /api/v1 (OpenAPI at /docs-json, UI at /docs), plus
 * the process's /healthz, /readyz and /metrics.
 */
export async function startApiServer(deps: ApiDependencies, options: ApiServerOptions): Promise<ApiServer> {
  const adapter = new FastifyAdapter({
    bodyLimit: 1024 * 1024,
    // Errors Fastify answers before routing (a path parameter too long, a malformed URL) are problems too.
    frameworkErrors: answerFrameworkError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(deps), adapter, { logger: false, abortOnError: false });
  app.setGlobalPrefix('api/v1');
  app.get(RouteTable).recordFrom(app.getHttpAdapter().getInstance());
  registerAccessLog(app.getHttpAdapter().getInstance(), deps.logger, deps.metrics);

  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/healthz', async () => ({ status: 'ok' }));
  fastify.get('/readyz', async (_request, reply) => {
    const report = await deps.readiness();
    return reply.status(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'not-ready', checks: report.checks });
  });
  fastify.get('/metrics', async (_request, reply) => reply.header('content-type', deps.metrics.contentType).send(await deps.metrics.render()));

  await app.listen(options.port, options.host);
  const address = fastify.server.address();
  return {
    app,
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => app.close(),
  };
}
