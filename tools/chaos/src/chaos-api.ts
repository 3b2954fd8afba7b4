/** What the harness reads of the platform: the public REST API only, as an operator would. */
export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export interface ApiPage<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export interface ApiSession {
  readonly id: string;
  readonly stationId: string;
  readonly connectorId: number;
  readonly status: 'active' | 'completed';
  readonly energyWh: number;
  readonly transactionId: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
}

export interface ApiCdr {
  readonly id: string;
  readonly sessionId: string;
  readonly totalEnergyWh: number;
  readonly credit?: boolean;
  readonly creditReferenceId?: string | null;
  readonly replacesCdrId?: string | null;
}

const REQUEST_TIMEOUT_MS = 10_000;

export class ChaosApi {
  constructor(
    private readonly baseUrl: () => string,
    private readonly apiKey: string,
  ) {}

  async get<T = unknown>(path: string): Promise<ApiAnswer<T>> {
    return this.request<T>('GET', path);
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.baseUrl()}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Every item of a list endpoint, following `nextCursor`; throws on anything but 200. */
  async all<T>(path: string, limit = 200): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10_000; page++) {
      const separator = path.includes('?') ? '&' : '?';
      const answer: ApiAnswer<ApiPage<T>> = await this.get<ApiPage<T>>(`${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (answer.status !== 200) throw new Error(`GET ${path}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
      items.push(...answer.body.items);
      cursor = answer.body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error(`GET ${path}: more than 10,000 pages`);
  }

  /** Whether the API serves CDRs (the billing feature is in this build). */
  async hasCdrs(): Promise<boolean> {
    const answer = await this.get('/cdrs?limit=1');
    return answer.status === 200;
  }
}
