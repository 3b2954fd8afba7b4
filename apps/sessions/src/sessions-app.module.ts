import { Inject, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { SessionsNode } from '@evcsms/runtime';

const SESSIONS_NODE = Symbol('evcsms:sessions-node');

/** Starts the sessions consumers with the application and stops them (committing) on shutdown. */
class SessionsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(SESSIONS_NODE) private readonly node: SessionsNode) {}

  onApplicationBootstrap(): Promise<void> {
    return this.node.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.node.stop();
  }
}

/** The sessions service as a Nest application: its providers are the wired sessions node. */
@Module({})
export class SessionsAppModule {
  static forRoot(node: SessionsNode): DynamicModule {
    return {
      module: SessionsAppModule,
      providers: [{ provide: SESSIONS_NODE, useValue: node }, SessionsLifecycle],
    };
  }
}
