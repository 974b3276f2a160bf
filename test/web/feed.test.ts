/**
 * The web app's feed in Chromium against `foryou serve --demo`: it plays, swiping and the keys report `play` and
 * `skip` with real watch time, "not interested" and liking change the next page, "why this video" shows the
 * explanation, and the Following tab shows a followed creator. Saves the feed and explanation screenshots.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPhonePage, type AppPage } from './browser.js';
import { currentVideoId, recordEvents, screenshot, startDemoApp, type DemoApp, type SentEvent } from './demo-app.js';

interface FeedItem {
  video: { id: string; creator: string; caption: string; hashtags: string[]; sound?: string; mediaUrl?: string };
  sources: string[];
  reasons: string[];
}

let app: DemoApp;
let tab: AppPage;
let page: Page;
let events: SentEvent[];

beforeAll(async () => {
  app = await startDemoApp();
  tab = await openPhonePage(app.browser, app.url);
  page = tab.page;
  events = recordEvents(page);
  await page.goto('/');
});
afterAll(async () => {
  await tab?.close();
  await app?.stop();
});
afterEach(() => {
  expect(tab.errors).toEqual([]);
});

/**
 * Scrolls the feed on by a wheel turn. (A touch swipe takes the same path in the app — the feed's native snapped
 * scrolling — but headless Chromium without a GPU does not scroll on synthetic touch gestures.)
 */
async function scrollOn(): Promise<void> {
  await page.mouse.move(150, 400);
  await page.mouse.wheel(0, 500);
}

/** Events leave in batches every 1.5 s at most, or before the next page is asked for. */
const SOON = { timeout: 10_000 };

/** The next feed page the app asks for, as the server answered it. */
async function nextFeedPage(action: () => Promise<void>): Promise<FeedItem[]> {
  const response = page.waitForResponse((r) => /\/v1\/feed\/demo(\?|$)/.test(r.url()) && r.request().method() === 'GET');
  await action();
  return ((await (await response).json()) as { items: FeedItem[] }).items;
}

async function waitForCurrentToChange(from: string): Promise<string> {
  await expect.poll(() => currentVideoId(page), SOON).not.toBe(from);
  return currentVideoId(page);
}

function eventsOf(type: string, video: string): SentEvent[] {
  return events.filter((event) => event.type === type && event.video === video);
}

describe('the feed', () => {
  it('plays the video on screen, muted until tapped', async () => {
    const first = await currentVideoId(page);
    const video = page.locator(`.slide[aria-current="true"] video`);
    await video.waitFor();
    // Playing: its time advances and it is not paused; muted by the app until the user asks for sound.
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.5);
    expect(await video.evaluate((v: HTMLVideoElement) => ({ paused: v.paused, muted: v.muted }))).toEqual({ paused: false, muted: true });
    // The next one is preloaded.
    expect(await page.locator('.slide').nth(1).locator('video').getAttribute('preload')).toBe('auto');
    await screenshot(page, 'feed');
    await page.getByRole('button', { name: 'Tap for sound' }).click();
    expect(await video.evaluate((v: HTMLVideoElement) => v.muted)).toBe(false);
    expect(await currentVideoId(page)).toBe(first);
    await expect.poll(() => eventsOf('impression', first).length, SOON).toBe(1);
  });

  it('scrolling and the arrow key report a play with the watch time when a video was watched, a skip when left early', async () => {
    // A fresh item: shown from the key press on.
    const before = await currentVideoId(page);
    const shownAt = Date.now();
    await page.keyboard.press('ArrowDown');
    const watched = await waitForCurrentToChange(before);
    await page.waitForTimeout(3500);
    const swipedAt = Date.now();
    await scrollOn();
    const skipped = await waitForCurrentToChange(watched);
    await page.waitForTimeout(300);
    await page.keyboard.press('ArrowDown');
    const third = await waitForCurrentToChange(skipped);
    const leftAt = Date.now();

    await expect.poll(() => eventsOf('play', watched).length, SOON).toBe(1);
    await expect.poll(() => eventsOf('skip', skipped).length, SOON).toBe(1);
    const play = eventsOf('play', watched)[0]!;
    expect(play.watchMs).toBeGreaterThanOrEqual(3000);
    expect(play.watchMs).toBeLessThanOrEqual(Date.now() - shownAt);
    const skip = eventsOf('skip', skipped)[0]!;
    expect(skip.watchMs).toBeGreaterThan(0);
    expect(skip.watchMs).toBeLessThan(Math.min(3000, leftAt - swipedAt + 1));
    await expect.poll(() => eventsOf('impression', third).length, SOON).toBe(1);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);

    // Stored by the server as sent: the user's export holds them.
    await expect
      .poll(async () => {
        const { body } = await app.api<{ events: Array<{ type: string; video: string; watchMs: number | null }> }>('/v1/users/demo/export');
        return body.events.filter((e) => (e.type === 'play' && e.video === watched) || (e.type === 'skip' && e.video === skipped)).length;
      }, SOON)
      .toBe(2);
  });

  it('"not interested" keeps the creator out of the next page', async () => {
    const video = await currentVideoId(page);
    const creator = (await page.locator('.slide[aria-current="true"]').getAttribute('data-creator'))!;
    const items = await nextFeedPage(() => page.getByRole('button', { name: 'Not interested' }).click());
    expect(eventsOf('not_interested', video)).toHaveLength(1);
    expect(items.length).toBeGreaterThan(0);
    expect(items.filter((item) => item.video.creator === creator)).toEqual([]);
    // And for the reason given: the creator filter now removes their videos for this user.
    const { body } = await app.api<{ videos: Array<{ id: string }> }>(`/v1/creators/${creator}/videos`);
    const other = body.videos.find((v) => v.id !== video)!;
    const { body: why } = await app.api<{ filters: Array<{ name: string; passed: boolean }> }>(`/v1/feed/demo/explain/${other.id}`);
    expect(why.filters.find((filter) => filter.name === 'creator')?.passed).toBe(false);
    await waitForCurrentToChange(video);
  });

  it('a like brings videos related to the liked one into the next page', async () => {
    const video = await currentVideoId(page);
    const liked = (await app.api<FeedItem['video']>(`/v1/videos/${video}`)).body;
    const items = await nextFeedPage(() => page.getByRole('button', { name: 'Like', exact: true }).click());
    expect(await page.getByRole('button', { name: 'Liked' }).getAttribute('aria-pressed')).toBe('true');
    expect(eventsOf('like', video)).toHaveLength(1);
    const related = items.filter((item) =>
      item.reasons.some(
        (reason) =>
          (reason.startsWith('co-engagement:') && reason.includes(liked.caption.slice(0, 30))) ||
          (reason.startsWith('topic:') && [...liked.hashtags.map((tag) => `#${tag} `), `"${liked.sound}"`].some((key) => reason.includes(key))),
      ),
    );
    expect(related.length, JSON.stringify(items.map((item) => item.reasons))).toBeGreaterThan(0);
  });

  it('"why this video" shows where it came from, the main predictions and the reasons', async () => {
    await page.getByRole('button', { name: 'Why this video' }).click();
    const dialog = page.getByRole('dialog', { name: 'Why this video' });
    await dialog.locator('.verdict').waitFor();
    expect((await dialog.locator('.verdict').textContent())!.length).toBeGreaterThan(10);
    expect(await dialog.locator('.reasons li').count()).toBeGreaterThan(0);
    expect(await dialog.locator('.sources li').count()).toBeGreaterThan(0);
    expect(await dialog.locator('.terms tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, 'explanation');
    // Keyboard: Escape closes it and the feed keys work again.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
  });

  it('follow puts the creator in the Following tab', async () => {
    const creator = (await page.locator('.slide[aria-current="true"]').getAttribute('data-creator'))!;
    await page.getByRole('button', { name: 'Follow', exact: true }).click();
    await expect.poll(() => events.some((e) => e.type === 'follow' && e.creator === creator), SOON).toBe(true);
    await page.getByRole('link', { name: 'Following' }).click();
    await page.locator('.slide[aria-current="true"]').waitFor();
    const creators = await page.locator('.slide').evaluateAll((slides) => slides.map((s) => s.getAttribute('data-creator')));
    expect(creators.length).toBeGreaterThan(0);
    expect(creators.every((c) => c === creator)).toBe(true);
  });
});
