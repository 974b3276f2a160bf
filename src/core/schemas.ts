/**
 * The domain's request and record schemas. One source for validation (HTTP, import), the TypeScript types and the
 * OpenAPI document: nothing else in the project validates these shapes by hand.
 */
import { z } from 'zod';
import { ILL_FORMED_TEXT_MESSAGE, isWellFormedText } from './unicode-text.js';

export const MAX_BATCH_EVENTS = 10_000;
const DAY_MS = 86_400_000;

export const IdSchema = z
  .string()
  .min(1, 'must be 1–128 characters')
  .max(128, 'must be 1–128 characters')
  .refine(isWellFormedText, ILL_FORMED_TEXT_MESSAGE);
/** Milliseconds since the epoch; bounded so that a seconds-vs-milliseconds mix-up is caught. */
export const EpochMsSchema = z
  .number()
  .int()
  .min(946_684_800_000, 'must be milliseconds since the epoch (after 2000-01-01)')
  .max(4_102_444_800_000, 'must be milliseconds since the epoch (before 2100-01-01)');

const hashtag = z
  .string()
  .min(1)
  .max(100)
  .transform((tag) => tag.replace(/^#/, '').toLowerCase())
  .refine((tag) => tag.length > 0, 'must not be empty');

export const VideoStatusSchema = z.enum(['pending', 'live', 'removed']);
export type VideoStatus = z.infer<typeof VideoStatusSchema>;
/** `adult` videos are never served to users whose settings say `minor`, in any feed mode. */
export const VideoAudienceSchema = z.enum(['all', 'adult']);
export type VideoAudience = z.infer<typeof VideoAudienceSchema>;
const RegionSchema = z.string().min(2).max(16);
/** The region of a user or video whose region nobody told us. */
export const UNKNOWN_REGION = 'ZZ';

/**
 * A URL clients load media from: absolute http(s), or a path on this server. Other schemes (javascript:, data:) are
 * refused, since the web app puts it in a src attribute.
 */
const MediaUrlSchema = z
  .string()
  .max(2048)
  .regex(/^(https?:\/\/|\/(?!\/))\S+$/i, 'must be an http(s) URL or a path starting with one /');

/** Body of PUT /v1/videos/:id (the id comes from the path). */
export const VideoBodySchema = z.strictObject({
  id: IdSchema.optional().describe('optional; must equal the id in the path'),
  creator: IdSchema.describe('user id of the creator'),
  durationMs: z.number().int().positive().max(DAY_MS),
  caption: z.string().max(4000).default(''),
  hashtags: z.array(hashtag).max(100).default([]),
  sound: IdSchema.optional().describe('id of the audio track'),
  language: z.string().min(2).max(16).default('und'),
  region: z.string().min(2).max(16).default('ZZ').describe('region code, e.g. DE; ZZ = unknown'),
  createdAt: EpochMsSchema.optional().describe('defaults to the time the video is first stored'),
  status: VideoStatusSchema.default('live'),
  audience: VideoAudienceSchema.default('all').describe('adult = never served to minors, in any mode'),
  blockedRegions: z
    .array(RegionSchema)
    .max(300)
    .default([])
    .describe('legal or licensing geo-restriction: never served to users of these regions (nor of unknown region ZZ)'),
  mediaUrl: MediaUrlSchema.optional().describe('where clients play the video (an uploaded file under /media/, or a CDN URL)'),
  thumbnailUrl: MediaUrlSchema.optional().describe('a still image of the video'),
});

export const VideoSchema = VideoBodySchema.extend({ id: IdSchema });
export type VideoInput = z.input<typeof VideoSchema>;
export interface Video {
  id: string;
  creator: string;
  durationMs: number;
  caption: string;
  hashtags: string[];
  sound?: string | undefined;
  language: string;
  region: string;
  createdAt: number;
  status: VideoStatus;
  /** Absent means 'all' (records stored before the field existed). */
  audience?: VideoAudience | undefined;
  /** Absent means no restriction. */
  blockedRegions?: string[] | undefined;
  /** Where clients play it; absent for catalogue records without media. */
  mediaUrl?: string | undefined;
  thumbnailUrl?: string | undefined;
}

export const UserSettingsSchema = z.strictObject({
  personalized: z.boolean().default(true).describe('false = a feed not based on profiling (DSA Art. 38)'),
  minor: z.boolean().default(false),
});

export const BlockedSchema = z.strictObject({
  creators: z.array(IdSchema).max(10_000).default([]).describe('user ids of blocked creators'),
  sounds: z.array(IdSchema).max(10_000).default([]).describe('ids of blocked sounds'),
});

export const UserBodySchema = z.strictObject({
  id: IdSchema.optional().describe('optional; must equal the id in the path'),
  region: z.string().min(2).max(16).default('ZZ'),
  createdAt: EpochMsSchema.optional(),
  interests: z.array(hashtag).max(100).default([]).describe('topics picked at onboarding'),
  settings: UserSettingsSchema.default({ personalized: true, minor: false }),
  blocked: BlockedSchema.default({ creators: [], sounds: [] }).describe(
    'creators and sounds the user blocked: never served to them, in any mode',
  ),
});
export const UserSchema = UserBodySchema.extend({ id: IdSchema });
export interface User {
  id: string;
  region: string;
  createdAt: number;
  interests: string[];
  settings: { personalized: boolean; minor: boolean };
  /** Absent means nothing blocked (records stored before the field existed). */
  blocked?: { creators: string[]; sounds: string[] } | undefined;
}

export const EVENT_TYPES = [
  'impression',
  'play',
  'like',
  'unlike',
  'share',
  'comment',
  'follow',
  'unfollow',
  'skip',
  'not_interested',
  'report',
] as const;
export const EventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventTypeSchema>;

/** Types that concern a creator rather than one video. */
export const CREATOR_EVENT_TYPES: ReadonlySet<EventType> = new Set(['follow', 'unfollow']);

export const EventSchema = z
  .strictObject({
    id: IdSchema.describe("client-chosen, per user: re-sending the user's event with the same id has no further effect"),
    user: IdSchema,
    video: IdSchema.optional(),
    creator: IdSchema.optional().describe('for follow/unfollow: the followed user (or give the video)'),
    type: EventTypeSchema,
    ts: EpochMsSchema.optional().describe('defaults to the time the server accepts the event'),
    watchMs: z.number().int().nonnegative().max(DAY_MS).optional().describe('required for play'),
  })
  .superRefine((event, ctx) => {
    if (CREATOR_EVENT_TYPES.has(event.type)) {
      if (event.video === undefined && event.creator === undefined) {
        ctx.addIssue({ code: 'custom', path: ['creator'], message: `${event.type} needs a creator or a video` });
      }
    } else if (event.video === undefined) {
      ctx.addIssue({ code: 'custom', path: ['video'], message: `${event.type} needs a video` });
    }
    if (event.type === 'play' && event.watchMs === undefined) {
      ctx.addIssue({ code: 'custom', path: ['watchMs'], message: 'play needs watchMs' });
    }
  });
export type EventInput = z.input<typeof EventSchema>;
export type Event = z.output<typeof EventSchema>;

/** An event as accepted: time and creator resolved. */
export interface AcceptedEvent {
  id: string;
  user: string;
  video: string | null;
  creator: string | null;
  type: EventType;
  ts: number;
  watchMs: number | null;
}

export const EventBatchSchema = z.strictObject({
  events: z
    .array(EventSchema)
    .min(1, 'must hold at least one event')
    .max(MAX_BATCH_EVENTS, `must hold at most ${MAX_BATCH_EVENTS} events`),
});

export const FEED_MODES = ['personalized', 'nonpersonalized', 'following'] as const;
export const FeedModeSchema = z.enum(FEED_MODES);
export type FeedMode = z.infer<typeof FeedModeSchema>;

export const FeedQuerySchema = z.strictObject({
  n: z.coerce.number().int().min(1).max(100).default(10),
  mode: FeedModeSchema.optional().describe("defaults to the user's setting: personalized unless they turned it off"),
  cursor: z.string().max(512).optional(),
});

/**
 * Completes a parsed video with the defaults that depend on the time it is stored. The safety fields are left out
 * when they hold their default (absent = 'all' audience, no blocked region), the one form records take everywhere,
 * so records from before those fields existed compare equal.
 */
export function completeVideo(parsed: z.output<typeof VideoSchema>, now: number): Video {
  const { audience, blockedRegions, ...rest } = parsed;
  return {
    ...rest,
    createdAt: parsed.createdAt ?? now,
    ...(audience === 'all' ? {} : { audience }),
    ...(blockedRegions.length === 0 ? {} : { blockedRegions }),
  };
}

/** As `completeVideo`: `blocked` is left out when nothing is blocked. */
export function completeUser(parsed: z.output<typeof UserSchema>, now: number): User {
  const { blocked, ...rest } = parsed;
  const blocksAny = blocked.creators.length > 0 || blocked.sounds.length > 0;
  return { ...rest, createdAt: parsed.createdAt ?? now, ...(blocksAny ? { blocked } : {}) };
}

/** A user first met through an event or a feed request, before the client registered them. */
export function implicitUser(id: string, now: number): User {
  return { id, region: 'ZZ', createdAt: now, interests: [], settings: { personalized: true, minor: false } };
}
