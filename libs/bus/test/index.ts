// @evcsms/bus/testing: the contract suite every MessageBus adapter runs.
export { describeBusContract, type BusContractFixture, type BusContractOptions } from './bus-contract.suite';
