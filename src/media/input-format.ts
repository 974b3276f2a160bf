/**
 * How ffmpeg is told to read an uploaded file. Left to guess, ffmpeg picks a demuxer from the content: an HLS
 * playlist named `.mp4` was read as one, and it opened the local paths the playlist listed (a FIFO hung it for
 * 30 s). The container is recognised here from the file's first bytes, the matching demuxer forced, and only the
 * `file` protocol allowed, so ffmpeg reads this one file as an MP4 or a WebM and nothing else.
 */
import { open } from 'node:fs/promises';

/** ffmpeg's demuxer names for the containers uploads may be. */
export type UploadContainer = 'mov' | 'matroska';

/** ISO base media (MP4, QuickTime) top-level boxes that may open a file. */
const MP4_FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot']);
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];

/** The container `head` (a file's first bytes, 12 or more) opens as, or undefined when neither MP4 nor WebM. */
export function containerOf(head: Uint8Array): UploadContainer | undefined {
  if (head.length >= 4 && EBML_MAGIC.every((byte, i) => head[i] === byte)) return 'matroska';
  if (head.length >= 8) {
    const box = String.fromCharCode(head[4]!, head[5]!, head[6]!, head[7]!);
    if (MP4_FIRST_BOXES.has(box)) return 'mov';
  }
  return undefined;
}

/** Reads the first bytes of `file` and names its container. */
export async function sniffContainer(file: string): Promise<UploadContainer | undefined> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(16);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return containerOf(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** ffmpeg's input options for `file` read as `container`: the demuxer forced, the file protocol alone. */
export function inputArgs(container: UploadContainer, file: string): string[] {
  return ['-protocol_whitelist', 'file', '-f', container, '-i', file];
}
