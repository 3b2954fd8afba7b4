import { LATENCY_BUCKETS_SECONDS, type MetricsRegistry } from '@evcsms/metrics';

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

/** Every gateway metric in one place, so dashboards and alerts have one file to read. */
export function createGatewayMetrics(registry: MetricsRegistry) {
  return {
    upgrades: registry.counter('ocpp_gateway_upgrades_total', 'WebSocket upgrade attempts by outcome', ['outcome'] as const),
    messages: registry.counter('ocpp_gateway_messages_total', 'OCPP frames by action, direction, message type and outcome', [
      'action',
      'direction',
      'type',
      'outcome',
    ] as const),
    callErrors: registry.counter('ocpp_gateway_callerrors_total', 'CALLERRORs by error code and direction', ['code', 'direction'] as const),
    frameFailures: registry.counter('ocpp_gateway_frame_failures_total', 'Frames that could not be parsed, by reason', ['reason'] as const),
    handlerLatency: registry.histogram(
      'ocpp_gateway_handler_duration_seconds',
      'Time from a station CALL to its reply',
      ['action', 'outcome'] as const,
      LATENCY_BUCKETS_SECONDS,
    ),
    outboundLatency: registry.histogram(
      'ocpp_gateway_outbound_call_duration_seconds',
      'Time from a CSMS CALL to the station reply',
      ['action', 'outcome'] as const,
      LATENCY_BUCKETS_SECONDS,
    ),
    callTimeouts: registry.counter('ocpp_gateway_call_timeouts_total', 'CSMS calls the station did not answer in time', ['action'] as const),
    strayResponses: registry.counter('ocpp_gateway_stray_responses_total', 'Responses that matched no outstanding call', ['kind'] as const),
    relaxations: registry.counter('ocpp_gateway_leniency_relaxations_total', 'Schema checks relaxed by a leniency profile', [
      'profile',
      'check',
      'action',
    ] as const),
    disconnects: registry.counter('ocpp_gateway_disconnects_total', 'Closed station connections by reason', ['reason'] as const),
    rateLimited: registry.counter('ocpp_gateway_rate_limited_total', 'CALLs refused by the per-connection rate limit'),
    backpressureDrops: registry.counter('ocpp_gateway_backpressure_drops_total', 'Frames dropped because a socket buffer was full'),
  };
}
