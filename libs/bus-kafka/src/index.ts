export { KafkaBus, kafkaBusFromEnv, type KafkaBusStats } from './kafka-bus.adapter';
export {
  KAFKA_BUS_DEFAULTS,
  kafkaBusOptionsFromEnv,
  resolveKafkaBusOptions,
  type KafkaBusOptions,
  type KafkaConsumerOptions,
  type KafkaLogLevel,
  type KafkaSaslMechanism,
  type ResolvedKafkaBusOptions,
} from './kafka-bus.options';
export { kafkaLogCreator, logDeduper, KAFKA_LOG_DEDUPE_WINDOW_MS, type LogDeduper } from './kafka-log';
export { PublishBatcher, type PublishBatcherOptions, type PublishBatcherStats, type TopicMessages } from './publish-batcher';
