/**
 * The shapes of the public HTTP API the app uses, after the contract (shared-notes/web-api-contract.md) and the
 * OpenAPI document at /docs/json. Written here, not imported from the server: the app knows the server only by HTTP.
 */

export type FeedMode = 'personalized' | 'nonpersonalized' | 'following';

export type EventType =
  | 'impression'
  | 'play'
  | 'like'
  | 'unlike'
  | 'share'
  | 'comment'
  | 'follow'
  | 'unfollow'
  | 'skip'
  | 'not_interested'
  | 'report';

export interface Video {
  id: string;
  creator: string;
  durationMs: number;
  caption: string;
  hashtags: string[];
  sound?: string;
  language?: string;
  region?: string;
  createdAt: number;
  status?: 'pending' | 'live' | 'removed';
  /** Where the video file is served (the server's /media/…, or an operator's CDN). */
  mediaUrl?: string;
  thumbnailUrl?: string;
}

export interface FeedItem {
  video: Video;
  score: number;
  sources: string[];
  reasons: string[];
}

export interface FeedPage {
  mode?: FeedMode;
  items: FeedItem[];
  cursor: string | null;
}

export interface ScoreTerm {
  name: string;
  input: number;
  weight: number;
  contribution: number;
}

export interface Explanation {
  user: string;
  video: string;
  mode: FeedMode;
  sources: Array<{ name: string; proposed: boolean; rawScore: number | null }>;
  filters: Array<{ name: string; passed: boolean; reason: string | null }>;
  score: { scorer: string; value: number; terms: ScoreTerm[] } | null;
  rank: number | null;
  candidates: number;
  reRanker: { name: string; onPage: boolean; position: number | null; exploration: boolean } | null;
  reasons: string[];
  verdict: string;
  shownBefore?: boolean;
}

/** An event as the client sends it; `id` makes re-sending harmless. */
export interface ClientEvent {
  id: string;
  user: string;
  type: EventType;
  video?: string;
  creator?: string;
  ts?: number;
  watchMs?: number;
}

export interface EventsAccepted {
  accepted: number;
  duplicates?: number;
}

export interface UserProfile {
  id: string;
  region: string;
  createdAt: number;
  interests: string[];
  settings: { personalized: boolean; minor: boolean };
  following?: string[];
  notInterestedCreators?: string[];
  seenVideos?: number;
}

export interface CreatorVideos {
  creator: string;
  videos: Video[];
}

export interface Upload {
  file: File;
  caption: string;
  /** Comma or space separated; '#' optional. */
  hashtags: string;
}

/** The API's refusal shape: `{error, problems: [{field, message}]}` (the contract also names it `issues`). */
export interface ApiProblem {
  field: string;
  message: string;
}
