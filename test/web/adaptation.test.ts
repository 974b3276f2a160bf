/**
 * Adaptation that lasts, as a person meets it in the web app (Chromium against `foryou serve --demo` on a fresh data
 * directory): what they like, watch to the end, skip at once, shifts the pages that follow — after a reload too —
 * and a topic they keep skipping fades. The person only scrolls (↓), presses `l` to like, waits, and reads the
 * hashtags on screen; the app reports what they did as it always does (`impression`, then `play` with the real
 * watch time or `skip`, and `like`), and the test merely listens to those requests.
 *
 * A topic is the demo catalogue's (src/sim/topics.ts): every demo video carries hashtags of its one topic only (plus
 * generic ones such as #fyp), so the hashtags on screen tell it. While measuring a share, the person glances at every
 * video alike (about a second each: a skip), so the measurement itself favours no topic.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/sim/topics.js';
import { openPhonePage, type AppPage } from './browser.js';
import { currentVideoId, recordEvents, startDemoApp, type DemoApp, type SentEvent } from './demo-app.js';

/** The topic the person likes (the outside check's), and the one they skip: one they picked at sign-up. */
const LIKED = 'gaming';
const SKIPPED = 'dance';
const LIKES = 6;
const MEASURED = 20;
/** A glance: long enough to see what it is, well short of the 3 s that make a play. */
const GLANCE_MS = 1000;
/** A quick skip: gone as soon as it starts. */
const QUICK_SKIP_MS = 300;
/** The person gives up looking after this many videos (the test then fails, saying so). */
const PATIENCE = 300;
/** How many videos the person of the second scenario scrolls through looking for the topic to skip. */
const SKIPPING_VIDEOS = 80;
const SOON = { timeout: 10_000 };

const TOPIC_OF_HASHTAG = new Map(TOPICS.flatMap((topic) => topic.hashtags.map((tag) => [tag, topic.name] as const)));

type Reaction = 'glance' | 'quick-skip' | 'watch-and-like';

interface Person {
  app: DemoApp;
  page: Page;
  /** What the app sent, as it left the page (the test only listens). */
  events: SentEvent[];
}

describe('adaptation that lasts', () => {
  let app: DemoApp;
  let tab: AppPage;
  let person: Person;

  beforeAll(async () => {
    app = await startDemoApp();
    tab = await openPhonePage(app.browser, app.url);
    person = { app, page: tab.page, events: recordEvents(tab.page) };
    await tab.page.goto('/');
  });
  afterAll(async () => {
    await tab?.close();
    await app?.stop();
  });
  afterEach(() => {
    expect(tab.errors).toEqual([]);
  });

  it(`six liked and fully watched #${LIKED} videos and quick skips of #${SKIPPED} shift the next pages, after a reload too`, async () => {
    const before = await browse(person, MEASURED, () => 'glance');

    let likes = 0;
    let quickSkips = 0;
    let seen = 0;
    while (likes < LIKES) {
      expect(seen++, `found only ${likes} #${LIKED} videos in ${PATIENCE}`).toBeLessThan(PATIENCE);
      const topic = await currentTopic(person.page);
      if (topic === LIKED) likes++;
      if (topic === SKIPPED) quickSkips++;
      await react(person, topic === LIKED ? 'watch-and-like' : topic === SKIPPED ? 'quick-skip' : 'glance');
    }
    await reloadWhenSent(person);
    const after = await browse(person, MEASURED, () => 'glance');

    const liked = { before: share(before, LIKED), after: share(after, LIKED) };
    const skipped = { before: share(before, SKIPPED), after: share(after, SKIPPED) };
    console.log(JSON.stringify({ liked, skipped, videosToSixLikes: seen, quickSkips, before, after }));
    expect(liked.after, `#${LIKED}: ${JSON.stringify({ before, after })}`).toBeGreaterThanOrEqual(Math.max(3 * liked.before, 3 / MEASURED));
    expect(skipped.after, `#${SKIPPED}: ${JSON.stringify({ before, after })}`).toBeLessThan(skipped.before);
  }, 900_000);
});

describe('a topic the user keeps skipping fades', () => {
  let app: DemoApp;
  let tab: AppPage;
  let person: Person;

  beforeAll(async () => {
    app = await startDemoApp();
    tab = await openPhonePage(app.browser, app.url);
    person = { app, page: tab.page, events: recordEvents(tab.page) };
    await tab.page.goto('/');
  });
  afterAll(async () => {
    await tab?.close();
    await app?.stop();
  });
  afterEach(() => {
    expect(tab.errors).toEqual([]);
  });

  it(`eleven quick skips of #${SKIPPED}, and nothing liked, lower its share after a reload`, async () => {
    const before = await browse(person, MEASURED, () => 'glance');
    let quickSkips = 0;
    let seen = 0;
    // Eleven, as the outside check did, or as many as the next videos bring: a topic that fades shows up less and
    // less, so finding all eleven can take hundreds of videos.
    while (quickSkips < 11 && seen < SKIPPING_VIDEOS) {
      seen++;
      const topic = await currentTopic(person.page);
      if (topic === SKIPPED) quickSkips++;
      await react(person, topic === SKIPPED ? 'quick-skip' : 'glance');
    }
    await reloadWhenSent(person);
    const after = await browse(person, MEASURED, () => 'glance');

    const skipped = { before: share(before, SKIPPED), after: share(after, SKIPPED) };
    console.log(JSON.stringify({ skipped, quickSkips, videos: seen, before, after }));
    // Dance is one of the demo user's sign-up interests, so it starts out well represented; skipped, it must give way.
    expect(skipped.before).toBeGreaterThanOrEqual(2 / MEASURED);
    expect(quickSkips).toBeGreaterThanOrEqual(4);
    expect(skipped.after, JSON.stringify({ before, after })).toBeLessThan(skipped.before);
  }, 900_000);
});

/** Watches `count` videos from the one on screen on, reacting to each as `reaction` says; returns their topics. */
async function browse(person: Person, count: number, reaction: (topic: string) => Reaction): Promise<string[]> {
  const topics: string[] = [];
  for (let i = 0; i < count; i++) {
    const topic = await currentTopic(person.page);
    topics.push(topic);
    await react(person, reaction(topic));
  }
  return topics;
}

/** The topic of the video on screen, read from its hashtags ('?' when none names a topic). */
async function currentTopic(page: Page): Promise<string> {
  const slide = page.locator('.slide[aria-current="true"]');
  await slide.waitFor();
  const text = (await slide.locator('.hashtags').textContent({ timeout: 5_000 }).catch(() => '')) ?? '';
  const tags = text.split(/\s+/).map((tag) => tag.replace(/^#/, ''));
  return tags.map((tag) => TOPIC_OF_HASHTAG.get(tag)).find((topic) => topic !== undefined) ?? '?';
}

/** Reacts to the video on screen, then moves on to the next one. */
async function react(person: Person, reaction: Reaction): Promise<void> {
  const { page } = person;
  const video = await currentVideoId(page);
  if (reaction === 'glance') {
    await page.waitForTimeout(GLANCE_MS);
  } else if (reaction === 'quick-skip') {
    await page.waitForTimeout(QUICK_SKIP_MS);
  } else {
    // Watched to the end: the clip plays on until it starts over (the player loops), then the like (`l`).
    await watchToTheEnd(page);
    await page.keyboard.press('l');
    await expect.poll(() => page.getByRole('button', { name: 'Liked' }).count(), SOON).toBe(1);
  }
  await moveOn(page, video);
  if (reaction === 'watch-and-like') {
    // What the app reported is what happened: a play of the whole clip, and the like.
    await expect.poll(() => person.events.find((e) => e.type === 'play' && e.video === video), SOON).toBeDefined();
    const play = person.events.find((e) => e.type === 'play' && e.video === video)!;
    const { body } = await person.app.api<{ durationMs: number }>(`/v1/videos/${video}`);
    expect(play.watchMs!).toBeGreaterThanOrEqual(0.9 * body.durationMs);
    expect(person.events.some((e) => e.type === 'like' && e.video === video)).toBe(true);
  }
}

/** The video element on screen, until its clip has played through once (its time wraps round to the start). */
async function watchToTheEnd(page: Page): Promise<void> {
  const player = page.locator('.slide[aria-current="true"] video');
  await player.evaluate(
    (element: HTMLVideoElement) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the clip did not play through (at ${element.currentTime} s)`)), 20_000);
        let last = element.currentTime;
        const onTime = () => {
          if (element.currentTime + 0.05 < last || element.ended) {
            clearTimeout(timer);
            element.removeEventListener('timeupdate', onTime);
            resolve();
          }
          last = element.currentTime;
        };
        element.addEventListener('timeupdate', onTime);
      }),
  );
}

/** ↓ until the next video is on screen (pressed again if a page was still on its way when the key came). */
async function moveOn(page: Page, from: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    await page.keyboard.press('ArrowDown');
    for (const deadline = Date.now() + 2_000; Date.now() < deadline; await page.waitForTimeout(50)) {
      if ((await currentVideoId(page)) !== from) return;
    }
  }
  throw new Error(`the feed did not move on from ${from}`);
}

/** Leaves the video on screen, waits until the app has sent what happened to it, and reloads the app. */
async function reloadWhenSent(person: Person): Promise<void> {
  const { page } = person;
  const last = await currentVideoId(page);
  await moveOn(page, last);
  await expect.poll(() => person.events.some((e) => (e.type === 'skip' || e.type === 'play') && e.video === last), SOON).toBe(true);
  await page.reload();
  await page.locator('.slide[aria-current="true"]').waitFor();
}

function share(topics: string[], topic: string): number {
  return topics.filter((t) => t === topic).length / topics.length;
}
