import { Inject, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { BillingNode } from '@evcsms/runtime';

const BILLING_NODE = Symbol('evcsms:billing-node');

/** Starts the billing consumer with the application and stops it (committing) on shutdown. */
class BillingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(BILLING_NODE) private readonly node: BillingNode) {}

  onApplicationBootstrap(): Promise<void> {
    return this.node.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.node.stop();
  }
}

/** The billing service as a Nest application: its providers are the wired billing node. */
@Module({})
export class BillingAppModule {
  static forRoot(node: BillingNode): DynamicModule {
    return {
      module: BillingAppModule,
      providers: [{ provide: BILLING_NODE, useValue: node }, BillingLifecycle],
    };
  }
}
