export { processBatch, abortableSleep, errorText, WHOLE_BATCH_ATTEMPTS, MAX_ERROR_HEADER_LENGTH } from './process-batch';
export type { BatchDelivery, BatchOutcome, DeliveryEvent } from './process-batch';
export { deliveryPolicy, retryDelay, DELIVERY_DEFAULTS, type DeliveryPolicy } from './delivery-policy';
export { logDeliveryEvent } from './log-delivery-event';
