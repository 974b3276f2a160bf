/**
 * The web app against a real server: `foryou serve --demo` as a child process on a temp data dir, Debian's Chromium
 * beside it, and helpers to watch what the app sends and read what the server stored.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { TEST_SERVICE_KEY, fetchWithKey } from '../helpers/running-server.js';
import { spawnServer, type ServerProcess } from '../helpers/server-process.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { launchChromium } from './browser.js';

/** Where the tests save the screenshots the README shows. */
export const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url);

export interface DemoApp {
  url: string;
  dataDir: string;
  browser: Browser;
  /** GET a JSON resource of the API with the service key. */
  api<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export async function startDemoApp(): Promise<DemoApp> {
  const temp = makeTempDir('foryou-web-');
  // One feed worker fewer than the default: the suite shares two cores with the browser.
  const [server, browser] = await Promise.allSettled([
    spawnServer(['--demo', '--db', join(temp.dir, 'foryou.db'), '--feed-workers', '0']),
    launchChromium(),
  ]);
  if (server.status === 'rejected' || browser.status === 'rejected') {
    if (server.status === 'fulfilled') server.value.child.kill('SIGTERM');
    if (browser.status === 'fulfilled') await browser.value.close();
    temp.cleanup();
    throw server.status === 'rejected' ? server.reason : (browser as PromiseRejectedResult).reason;
  }
  const running: ServerProcess = server.value;
  const chromium: Browser = browser.value;
  return {
    url: running.url,
    dataDir: temp.dir,
    browser: chromium,
    api: async <T,>(path: string) => {
      const response = await fetchWithKey(`${running.url}${path}`, {}, TEST_SERVICE_KEY);
      return { status: response.status, body: (await response.json()) as T };
    },
    stop: async () => {
      await chromium.close();
      running.child.kill('SIGTERM');
      await running.exited;
      temp.cleanup();
    },
  };
}

export interface SentEvent {
  id: string;
  user: string;
  type: string;
  video?: string;
  creator?: string;
  watchMs?: number;
}

/** Every event the page posts from now on, in order. */
export function recordEvents(page: Page): SentEvent[] {
  const sent: SentEvent[] = [];
  page.on('request', (request: Request) => {
    if (request.method() === 'POST' && /\/v1\/users\/[^/]+\/events$/.test(new URL(request.url()).pathname)) {
      sent.push(...(JSON.parse(request.postData() ?? '{"events":[]}') as { events: SentEvent[] }).events);
    }
  });
  return sent;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Notices fade after a few seconds: the picture shows the page, not the last notice.
  await page.locator('.toast').first().waitFor({ state: 'detached', timeout: 10_000 });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname });
}

/** The video id of the item on screen. */
export async function currentVideoId(page: Page): Promise<string> {
  const slide = page.locator('.slide[aria-current="true"]');
  await slide.waitFor();
  return (await slide.getAttribute('data-video-id'))!;
}
