/**
 * The media files this server serves under /media/: uploads and demo clips, in a directory beside the store's file
 * (`<dataDir>/media/`). Every file is written to a temporary name in the same directory and renamed into place, so
 * a reader never sees half a file and a crash leaves only temporaries (dotfiles, never served; swept at start) or
 * the files of an upload never acknowledged (swept at start too, once the store can tell).
 * Paths are never built from request input: names are checked against a strict pattern before any file is touched.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** The URL path the files are served under. */
export const MEDIA_URL_PREFIX = '/media/';

/** The folders of the store: one per kind of media. */
export type MediaFolder = 'uploads' | 'demo';
const FOLDERS: readonly MediaFolder[] = ['uploads', 'demo'];
export type MediaExtension = 'mp4' | 'webm' | 'jpg';
const UPLOAD_EXTENSIONS: readonly MediaExtension[] = ['mp4', 'webm', 'jpg'];

/** A stem is an id-like name: letters, digits, '-' and '_' only, so it can never leave its folder. */
const STEM = /^[A-Za-z0-9_-]{1,100}$/;
const TEMP_PREFIX = '.tmp-';

export class MediaStore {
  /** Absolute: a store opened by a relative path (`--db data/x.db`) still serves its files (the static route wants it). */
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    for (const folder of FOLDERS) mkdirSync(join(this.root, folder), { recursive: true });
    this.sweepTemporaries();
  }

  /** The file of `stem.extension` in `folder`; throws on a stem that is not id-like. */
  path(folder: MediaFolder, stem: string, extension: MediaExtension): string {
    if (!FOLDERS.includes(folder) || !STEM.test(stem) || !UPLOAD_EXTENSIONS.includes(extension)) {
      throw new Error(`not a media file name: ${folder}/${stem}.${extension}`);
    }
    return join(this.root, folder, `${stem}.${extension}`);
  }

  /** The URL path clients load `stem.extension` in `folder` from. */
  url(folder: MediaFolder, stem: string, extension: MediaExtension): string {
    this.path(folder, stem, extension); // validates
    return `${MEDIA_URL_PREFIX}${folder}/${stem}.${extension}`;
  }

  /** A new temporary file name in the store's directory (same filesystem, so the final rename is atomic). */
  temporaryPath(): string {
    return join(this.root, `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`);
  }

  /**
   * Moves a finished temporary file into place, replacing any file of that name at once. Durable when it returns:
   * the file's bytes and the directory's new entry are flushed, so an upload acknowledged survives a power cut too.
   */
  async commit(temporary: string, folder: MediaFolder, stem: string, extension: MediaExtension): Promise<string> {
    const target = this.path(folder, stem, extension);
    await flush(temporary);
    await rename(temporary, target);
    await flush(dirname(target));
    return target;
  }

  /**
   * Deletes upload files no video refers to: a crash between writing an upload's files and storing its video (the
   * upload was never acknowledged) leaves them, and they would hold a person's video that no erasure can find.
   * Run at start, before uploads are taken. Returns how many files went.
   */
  async sweepOrphanUploads(isVideo: (id: string) => Promise<boolean>): Promise<number> {
    let removed = 0;
    for (const name of await readdir(join(this.root, 'uploads'))) {
      const stem = name.slice(0, name.lastIndexOf('.'));
      if (name.lastIndexOf('.') > 0 && (await isVideo(stem))) continue;
      await rm(join(this.root, 'uploads', name), { force: true });
      removed++;
    }
    return removed;
  }

  /** Writes a file through a temporary: `write` fills the temporary path, then it is renamed into place. */
  async writeAtomically(
    folder: MediaFolder,
    stem: string,
    extension: MediaExtension,
    write: (temporary: string) => Promise<void>,
  ): Promise<string> {
    const temporary = this.temporaryPath();
    try {
      await write(temporary);
      return await this.commit(temporary, folder, stem, extension);
    } catch (error) {
      await discard(temporary);
      throw error;
    }
  }

  /** Deletes an upload's files (the video and its thumbnail); returns how many there were. */
  async removeUpload(videoId: string): Promise<number> {
    if (!STEM.test(videoId)) return 0; // never uploaded here: upload ids are id-like
    let removed = 0;
    for (const extension of UPLOAD_EXTENSIONS) {
      try {
        await rm(this.path('uploads', videoId, extension));
        removed++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return removed;
  }

  /** Temporaries left by a crash mid-write: nothing refers to them. */
  private sweepTemporaries(): void {
    for (const name of readdirSync(this.root)) {
      if (name.startsWith(TEMP_PREFIX)) rmSync(join(this.root, name), { force: true });
    }
  }
}

/** fsync of a file or directory. */
async function flush(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes a temporary file if it exists. */
export async function discard(path: string): Promise<void> {
  await rm(path, { force: true });
}
