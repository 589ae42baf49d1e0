/** A small admin-API client for the demo and the end-to-end tests (plain fetch, problem+json aware). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { code?: string; detail?: string } | undefined,
    message: string,
  ) {
    super(message);
  }
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ApiError(response.status, parsed, `${method} ${path} → ${response.status} ${parsed?.code ?? ""}: ${parsed?.detail ?? text}`);
    return parsed as T;
  }

  get<T = any>(path: string) {
    return this.call<T>("GET", path);
  }
  post<T = any>(path: string, body: unknown = {}) {
    return this.call<T>("POST", path, body);
  }
  put<T = any>(path: string, body: unknown = {}) {
    return this.call<T>("PUT", path, body);
  }

  /** Creates, or on 409 finds the existing object with `find` (so the demo can run twice). */
  async ensure<T extends { id: string }>(path: string, body: unknown, find: (client: ApiClient) => Promise<T | undefined>): Promise<T> {
    try {
      return await this.post<T>(path, body);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        const existing = await find(this);
        if (existing) return existing;
      }
      throw error;
    }
  }
}
