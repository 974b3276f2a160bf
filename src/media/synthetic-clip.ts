/**
 * Short playable test-pattern clips made by ffmpeg from its built-in sources: the demo catalogue's media and the
 * tests' uploads. Portrait H.264 (yuv420p, moov atom first so browsers start playing before the download ends)
 * with a sine tone, encoded at the fastest preset.
 */
import { existsSync } from 'node:fs';
import { runFfmpegOrThrow } from './ffmpeg.js';

/** ffmpeg's cheap built-in sources (mandelbrot and life cost 4–5× more to render: too slow for a first start). */
export type ClipPattern = 'testsrc2' | 'smptebars' | 'cellauto' | 'color' | 'testsrc';
export const CLIP_PATTERNS: readonly ClipPattern[] = ['testsrc2', 'smptebars', 'cellauto', 'color', 'testsrc'];

export interface ClipOptions {
  pattern: ClipPattern;
  seconds: number;
  width?: number;
  height?: number;
  /** For `color`: the background, as ffmpeg reads colours (e.g. 0x3355aa). */
  color?: string;
  toneHz?: number;
  /** A caption burnt in when a font is available; letters, digits, spaces and '#' are kept, the rest dropped. */
  text?: string;
  /** ffmpeg threads (1 lets several clips encode side by side). */
  threads?: number;
}

const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
  '/System/Library/Fonts/Helvetica.ttc',
];

/** A font file ffmpeg's drawtext can use, if this machine has one of the usual ones. */
export function findFont(): string | undefined {
  return FONT_CANDIDATES.find((path) => existsSync(path));
}

function videoSource(options: ClipOptions, size: string): string {
  if (options.pattern === 'color') return `color=c=${options.color ?? '0x3355aa'}:size=${size}:rate=24`;
  return `${options.pattern}=size=${size}:rate=24`;
}

/** The drawtext filter for `text`, or undefined without a font or text. */
function caption(text: string | undefined, font: string | undefined): string | undefined {
  const safe = text?.replace(/[^A-Za-z0-9 #]/g, '').slice(0, 40);
  if (!safe || !font) return undefined;
  return `drawtext=fontfile=${font}:text='${safe}':fontsize=44:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=12:x=(w-tw)/2:y=h*0.42`;
}

/** Encodes a clip to `output` (an .mp4 path); `font` undefined draws no caption. */
export async function makeClip(ffmpeg: string, output: string, options: ClipOptions, font = findFont()): Promise<void> {
  const size = `${options.width ?? 360}x${options.height ?? 640}`;
  const seconds = String(options.seconds);
  const filter = caption(options.text, font);
  await runFfmpegOrThrow(
    ffmpeg,
    [
      '-y',
      ...['-f', 'lavfi', '-i', videoSource(options, size)],
      ...['-f', 'lavfi', '-i', `sine=frequency=${options.toneHz ?? 440}:sample_rate=44100`],
      ...(filter ? ['-vf', filter] : []),
      ...['-t', seconds, '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '30', '-pix_fmt', 'yuv420p'],
      ...['-threads', String(options.threads ?? 0), '-c:a', 'aac', '-b:a', '48k', '-movflags', '+faststart', '-f', 'mp4', output],
    ],
    'make a clip',
  );
}
