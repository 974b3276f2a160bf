/** The app's only way to the server: typed calls to the public HTTP API, as the signed-in user's key. */
import type {
  ApiProblem,
  ClientEvent,
  CreatorVideos,
  EventsAccepted,
  Explanation,
  FeedMode,
  FeedPage,
  Upload,
  UserProfile,
  Video,
} from './types';

/** A refused or failed request: the server's message and the fields it named. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: ApiProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** One line for the user: the message and the first problem. */
  describe(): string {
    const first = this.problems[0];
    return first ? `${this.message}: ${first.field} ${first.message}` : this.message;
  }
}

export interface Credentials {
  user: string;
  key: string;
}

const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

export class ApiClient {
  constructor(private readonly credentials: Credentials) {}

  get user(): string {
    return this.credentials.user;
  }

  feed(mode: FeedMode | undefined, n: number, cursor?: string | null): Promise<FeedPage> {
    const query = new URLSearchParams({ n: String(n) });
    if (mode) query.set('mode', mode);
    if (cursor) query.set('cursor', cursor);
    return this.json(`/v1/feed/${path(this.user)}?${query}`);
  }

  explain(video: string, mode?: FeedMode): Promise<Explanation> {
    const query = mode ? `?${new URLSearchParams({ mode })}` : '';
    return this.json(`/v1/feed/${path(this.user, 'explain', video)}${query}`);
  }

  /** `keepalive` lets a batch leave while the page is being closed. */
  sendEvents(events: ClientEvent[], keepalive = false): Promise<EventsAccepted> {
    return this.json(`/v1/users/${path(this.user)}/events`, { method: 'POST', body: JSON.stringify({ events }), keepalive });
  }

  profile(): Promise<UserProfile> {
    return this.json(`/v1/users/${path(this.user)}`);
  }

  setPersonalized(personalized: boolean): Promise<UserProfile> {
    return this.json(`/v1/users/${path(this.user)}/settings`, { method: 'PATCH', body: JSON.stringify({ personalized }) });
  }

  resetRecommendations(): Promise<{ reset: boolean }> {
    return this.json(`/v1/users/${path(this.user)}/reset`, { method: 'POST' });
  }

  /** Everything the server holds about the user, as the JSON text it sent (saved as is). */
  async exportData(): Promise<string> {
    const response = await this.request(`/v1/users/${path(this.user)}/export`);
    return response.text();
  }

  async deleteAccount(): Promise<void> {
    await this.request(`/v1/users/${path(this.user)}`, { method: 'DELETE' });
  }

  upload({ file, caption, hashtags }: Upload): Promise<Video> {
    const form = new FormData();
    form.set('caption', caption);
    form.set('hashtags', hashtags);
    // Fields first: the server reads the file last, once it knows what it is for.
    form.set('file', file, file.name);
    return this.json(`/v1/users/${path(this.user)}/videos`, { method: 'POST', body: form });
  }

  creatorVideos(creator: string): Promise<CreatorVideos> {
    return this.json(`/v1/creators/${path(creator)}/videos`);
  }

  private async json<T>(url: string, init: RequestInit = {}): Promise<T> {
    const response = await this.request(url, init);
    return (await response.json()) as T;
  }

  private async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${this.credentials.key}`);
    if (typeof init.body === 'string') headers.set('content-type', 'application/json');
    const response = await fetch(url, { ...init, headers });
    if (!response.ok) throw await refusal(response);
    return response;
  }
}

async function refusal(response: Response): Promise<ApiError> {
  let body: { error?: string; problems?: ApiProblem[]; issues?: ApiProblem[] } = {};
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's page, a dropped connection): the status says enough.
  }
  return new ApiError(response.status, body.error ?? `${response.status} ${response.statusText}`, body.problems ?? body.issues ?? []);
}
