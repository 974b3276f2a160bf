/**
 * Playable media for the demo catalogue: on first start, ffmpeg makes a few short test-pattern clips per topic
 * (with the topic burnt in when a font is at hand) and every demo video of that topic gets one of them as its
 * mediaUrl, so the web app plays real video without any download. Clips are shared: a few dozen files for
 * thousands of videos. Without ffmpeg the demo starts anyway, without media, and says so; the next start retries.
 */
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import type { Video } from '../core/schemas.js';
import { FfmpegMissingError, locateFfmpeg } from '../media/ffmpeg.js';
import { MediaStore } from '../media/media-store.js';
import { CLIP_PATTERNS, findFont, makeClip } from '../media/synthetic-clip.js';
import { makeThumbnail } from '../media/thumbnail.js';
import { TOPICS } from '../sim/topics.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

/** Clips per topic: enough that a feed does not show the same picture twice in a row. */
export const DEMO_CLIP_VARIANTS = 2;
/** Every demo video is this long: the demo catalogue is made with this duration, so durations tell the truth. */
export const DEMO_CLIP_SECONDS = 3;
const META_KEY = 'demo-media';

interface Clip {
  stem: string;
  topic: number;
  variant: number;
}

const CLIPS: readonly Clip[] = TOPICS.flatMap((_, topic) =>
  Array.from({ length: DEMO_CLIP_VARIANTS }, (_, variant) => ({ stem: `${TOPICS[topic]!.name}-${variant + 1}`, topic, variant })),
);

/** Which topic a demo video is about: each topic's hashtags are its own (generic ones like #fyp are shared). */
const TOPIC_OF_HASHTAG = new Map(TOPICS.flatMap((topic, index) => topic.hashtags.map((tag) => [tag, index] as const)));

function topicOf(video: Video): number | undefined {
  for (const tag of video.hashtags) {
    const topic = TOPIC_OF_HASHTAG.get(tag);
    if (topic !== undefined) return topic;
  }
  return undefined;
}

/** A stable pick among a topic's clips, so a video keeps its clip across restarts. */
function variantOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % DEMO_CLIP_VARIANTS;
}

async function makeDemoClip(ffmpeg: string, media: MediaStore, clip: Clip, font: string | undefined): Promise<void> {
  const topic = TOPICS[clip.topic]!;
  const hue = Math.round((clip.topic * 360) / TOPICS.length);
  const video = media.path('demo', clip.stem, 'mp4');
  if (!existsSync(video)) {
    await media.writeAtomically('demo', clip.stem, 'mp4', (temporary) =>
      makeClip(
        ffmpeg,
        temporary,
        {
          pattern: CLIP_PATTERNS[(clip.topic + clip.variant) % CLIP_PATTERNS.length]!,
          seconds: DEMO_CLIP_SECONDS,
          color: hslToHex(hue, 0.55, 0.4),
          toneHz: 220 + clip.topic * 20 + clip.variant * 110,
          text: `#${topic.name}`,
          threads: 1,
        },
        font,
      ),
    );
  }
  if (!existsSync(media.path('demo', clip.stem, 'jpg'))) {
    await media.writeAtomically('demo', clip.stem, 'jpg', (temporary) => makeThumbnail(ffmpeg, ['-i', video], temporary, 1000));
  }
}

/** Makes every missing clip, a few side by side. */
async function makeDemoClips(ffmpeg: string, media: MediaStore, log: (line: string) => void): Promise<void> {
  const font = findFont();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < CLIPS.length) {
      const clip = CLIPS[next++]!;
      await makeDemoClip(ffmpeg, media, clip, font);
      done++;
      if (done % 8 === 0 || done === CLIPS.length) log(`foryou: demo media ${done}/${CLIPS.length} clips`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(4, availableParallelism())) }, worker));
}

/** Gives every demo video without media the clip of its topic; returns how many were given one. */
async function attachClips(store: Store, media: MediaStore): Promise<number> {
  let attached = 0;
  for await (const videos of store.scanVideos()) {
    const changed: Video[] = [];
    for (const video of videos) {
      const topic = topicOf(video);
      if (video.mediaUrl !== undefined || topic === undefined) continue;
      const stem = `${TOPICS[topic]!.name}-${variantOf(video.id) + 1}`;
      changed.push({ ...video, mediaUrl: media.url('demo', stem, 'mp4'), thumbnailUrl: media.url('demo', stem, 'jpg') });
    }
    if (changed.length > 0) await store.putVideos(changed);
    attached += changed.length;
  }
  return attached;
}

/**
 * Gives the demo catalogue its media, once: a no-op when the catalogue has it already or there is no demo
 * catalogue. Never fails the start: without ffmpeg (or on any ffmpeg failure) the demo runs without media.
 */
export async function ensureDemoMedia(location: string, mediaDir: string | undefined, log: (line: string) => void): Promise<void> {
  if (mediaDir === undefined) return;
  const store = openStore(location);
  try {
    if ((await store.getMeta('demo')) === undefined) return;
    const media = new MediaStore(mediaDir);
    const complete = CLIPS.every((clip) => existsSync(media.path('demo', clip.stem, 'mp4')) && existsSync(media.path('demo', clip.stem, 'jpg')));
    if (complete && (await store.getMeta(META_KEY)) !== undefined) return;
    let ffmpeg: string;
    try {
      ffmpeg = await locateFfmpeg();
    } catch (error) {
      if (!(error instanceof FfmpegMissingError)) throw error;
      log(`foryou: the demo videos have no media: ${error.message}; uploads are refused until ffmpeg is available`);
      return;
    }
    const started = Date.now();
    log(`foryou: making the demo media with ffmpeg (${CLIPS.length} clips of ${DEMO_CLIP_SECONDS} s, ${TOPICS.length} topics)…`);
    try {
      await makeDemoClips(ffmpeg, media, log);
    } catch (error) {
      log(`foryou: the demo videos have no media: ${(error as Error).message}`);
      return;
    }
    const attached = await attachClips(store, media);
    await store.setMeta(META_KEY, JSON.stringify({ createdAt: Date.now(), clips: CLIPS.length }));
    log(`foryou: demo media ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${attached} videos given a clip)`);
  } finally {
    await store.close();
  }
}

/** An HSL colour (h in degrees, s and l in 0–1) as ffmpeg's 0xRRGGBB. */
function hslToHex(h: number, s: number, l: number): string {
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const value = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255).toString(16).padStart(2, '0');
  };
  return `0x${f(0)}${f(8)}${f(4)}`;
}
