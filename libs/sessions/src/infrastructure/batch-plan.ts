/** One message of a batch as the planner sees it: whose it is and what kind of work it is. */
export interface PlannedItem<K extends string> {
  readonly stationId: string;
  readonly kind: K;
}

/** The items of one kind in one wave, by their index in the batch (ascending). */
export interface KindGroup<K extends string> {
  readonly kind: K;
  readonly indexes: readonly number[];
}

/**
 * Orders a batch for set-based writes without changing what any station sees. Only a station's
 * own messages are ordered against each other (Kafka orders per station, nothing else), so the
 * batch is cut into waves: a message goes one wave after its station's previous message, and
 * within a wave every kind is written together (one BootNotification statement for all the
 * stations booting in it, one for their statuses, ...).
 *
 * Kinds in `repeatable` may hold several messages of one station in one wave, in order, when
 * nothing else of that station comes between them (a run of MeterValues is counted together).
 * Every other kind holds at most one message per station per wave, so its set-based statement
 * never touches a row twice.
 */
export function planWaves<K extends string>(items: readonly PlannedItem<K>[], repeatable: ReadonlySet<K> = new Set()): Array<Array<KindGroup<K>>> {
  const last = new Map<string, { wave: number; kind: K }>();
  const waves: Array<Map<K, number[]>> = [];
  for (const [index, item] of items.entries()) {
    const previous = last.get(item.stationId);
    const wave = previous === undefined ? 0 : previous.kind === item.kind && repeatable.has(item.kind) ? previous.wave : previous.wave + 1;
    last.set(item.stationId, { wave, kind: item.kind });
    const groups = (waves[wave] ??= new Map());
    const group = groups.get(item.kind);
    if (group) group.push(index);
    else groups.set(item.kind, [index]);
  }
  return waves.map((groups) => [...groups].map(([kind, indexes]) => ({ kind, indexes })));
}
