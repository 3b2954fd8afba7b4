export * from './topics';
export * from './envelopes';
export { replyModeOf, ackResponse } from './reply-mode';
