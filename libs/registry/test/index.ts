// @evcsms/registry/testing: the contract suites every registry adapter runs.
export { type ContractStore, type ContractStoreFactory, eventually, location, sleep, stationIds } from './contract-store';
export { describeRegistryContract } from './registry-contract.suite';
export { describePodChannelContract } from './pod-channel-contract.suite';
export { describePendingCommandStoreContract, type PendingCommandStoreContractOptions } from './pending-command-store-contract.suite';
