export * from './websocket-engine';
export { NodeWsEngine } from './node-ws.engine';
export { UwsEngine } from './uws.engine';
export { selectEngine, loadUws, type EngineSelection } from './select-engine';
