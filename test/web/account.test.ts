/**
 * The web app's account side in Chromium against `foryou serve --demo`: personalisation off gives the non-profiled
 * feed, reset, upload makes a playable video appear on the creator's page, export downloads the user's JSON, and
 * deleting the account erases the user. Saves the settings screenshot.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../../src/bench/serve-process.js';
import { locateFfmpeg } from '../../src/media/ffmpeg.js';
import { putJson } from '../helpers/running-server.js';
import { makeClip } from '../../src/media/synthetic-clip.js';
import { openPhonePage, type AppPage } from './browser.js';
import { recordEvents, screenshot, startDemoApp, type DemoApp } from './demo-app.js';

/** The sources the non-profiled feed may use: nothing that reads the user's history. */
const NON_PROFILED_SOURCES = new Set(['trending', 'fresh', 'catalogue']);
const SOON = { timeout: 10_000 };

let app: DemoApp;
let tab: AppPage;
let page: Page;

beforeAll(async () => {
  app = await startDemoApp();
  tab = await openPhonePage(app.browser, app.url);
  page = tab.page;
  recordEvents(page);
});
afterAll(async () => {
  await tab?.close();
  await app?.stop();
});
afterEach(() => {
  expect(tab.errors).toEqual([]);
});

interface FeedAnswer {
  mode: string;
  items: Array<{ video: { id: string }; sources: string[] }>;
}

/** Opens the For you tab and returns the first page the app was served. */
async function openForYou(): Promise<FeedAnswer> {
  const response = page.waitForResponse((r) => /\/v1\/feed\/demo(\?|$)/.test(r.url()));
  await page.goto('/');
  return (await (await response).json()) as FeedAnswer;
}

async function setPersonalized(on: boolean): Promise<void> {
  await page.goto('/settings');
  const toggle = page.getByRole('switch', { name: 'Personalised feed' });
  await expect.poll(() => toggle.isEnabled(), SOON).toBe(true);
  if ((await toggle.isChecked()) === on) return;
  const saved = page.waitForResponse((r) => r.url().endsWith('/v1/users/demo/settings') && r.request().method() === 'PATCH');
  await toggle.click();
  expect((await saved).status()).toBe(200);
  await expect.poll(() => toggle.isChecked(), SOON).toBe(on);
}

describe('settings and the account', () => {
  it('switching personalisation off gives the non-profiled feed; on again, the personalised one', async () => {
    expect((await openForYou()).mode).toBe('personalized');
    await setPersonalized(false);
    await screenshot(page, 'settings');
    expect((await app.api<{ settings: { personalized: boolean } }>('/v1/users/demo')).body.settings.personalized).toBe(false);

    const page1 = await openForYou();
    expect(page1.mode).toBe('nonpersonalized');
    expect(page1.items.length).toBeGreaterThan(0);
    for (const item of page1.items) expect(item.sources.every((source) => NON_PROFILED_SOURCES.has(source)), item.sources.join()).toBe(true);
    expect(await page.getByText('Not personalised').isVisible()).toBe(true);

    await setPersonalized(true);
    expect((await openForYou()).mode).toBe('personalized');
    expect(await page.getByText('Not personalised').count()).toBe(0);
  });

  it('reset my recommendations asks once more, then resets', async () => {
    await page.goto('/settings');
    await page.getByRole('button', { name: 'Reset recommendations' }).click();
    const reset = page.waitForResponse((r) => r.url().endsWith('/v1/users/demo/reset'));
    await page.getByRole('button', { name: 'Yes, reset' }).click();
    expect((await reset).status()).toBe(200);
    await page.getByText('Your recommendations start afresh').waitFor();
  });

  it('an uploaded MP4 appears, playable, on the creator page', async () => {
    const clip = join(app.dataDir, 'upload.mp4');
    await makeClip(await locateFfmpeg(), clip, { pattern: 'smptebars', seconds: 3, text: 'my first upload' });
    await page.goto('/upload');
    await page.getByLabel('Video (MP4)').setInputFiles(clip);
    await page.getByLabel('Caption').fill('My first upload');
    await page.getByLabel('Hashtags').fill('#firstpost, dance');
    const uploaded = page.waitForResponse((r) => r.url().endsWith('/v1/users/demo/videos') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Upload' }).click();
    const response = await uploaded;
    expect(response.status()).toBe(201);
    const video = (await response.json()) as { id: string; hashtags: string[]; durationMs: number; creator: string };
    expect(video).toMatchObject({ creator: 'demo', hashtags: ['firstpost', 'dance'] });

    await page.waitForURL(`**/creator/demo?v=${video.id}`);
    const player = page.locator(`.grid-video[data-video-id="${video.id}"] video`);
    await player.waitFor();
    expect(await page.locator(`.grid-video[data-video-id="${video.id}"]`).textContent()).toContain('My first upload');
    // Playable: it loads, reports its real length, and plays.
    await player.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), SOON).toBeGreaterThan(0.3);
    const seconds = await player.evaluate((v: HTMLVideoElement) => v.duration);
    expect(Math.abs(seconds * 1000 - video.durationMs)).toBeLessThan(500);
  });

  it('export downloads everything held about the user as JSON', async () => {
    await page.goto('/settings');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export my data' }).click();
    const file = await (await download).path();
    expect((await download).suggestedFilename()).toBe('foryou-demo.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(data)).toContain('My first upload');
    expect(Array.isArray(data.events)).toBe(true);
  });

  it('without the demo key, a pasted user key signs in as that user', async () => {
    // The operator registers the user and gives them a key.
    expect((await putJson(`${app.url}/v1/users/alice`, { region: 'DE', interests: ['pets'] })).status).toBe(201);
    const created = execFileSync(process.execPath, [CLI, 'keys', 'create', '--db', join(app.dataDir, 'foryou.db'), '--role', 'user', '--user', 'alice'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const key = created.toString().trim().split('\n').pop()!;

    await page.goto('/settings');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('User id').fill('alice');
    await page.getByLabel('Key').fill(key);
    const feed = page.waitForResponse((r) => /\/v1\/feed\/alice(\?|$)/.test(r.url()));
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await feed).status()).toBe(200);
    await page.locator('.slide[aria-current="true"]').waitFor();
    // Kept across a reload, until signing out, which returns to the page's own (demo) session.
    await page.reload();
    await page.getByRole('link', { name: 'Me' }).click();
    await page.waitForURL('**/creator/alice');
    await page.goto('/settings');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.reload();
    await page.getByText('Signed in as @demo').waitFor();
  });

  it('delete my account erases the user and ends the session', async () => {
    await page.goto('/settings');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    const erased = page.waitForResponse((r) => r.url().endsWith('/v1/users/demo') && r.request().method() === 'DELETE');
    await page.getByRole('button', { name: 'Yes, delete everything' }).click();
    expect((await erased).status()).toBe(200);
    await page.getByText('The account "demo" and its data were deleted.').waitFor();
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect((await app.api('/v1/users/demo')).status).toBe(404);
    expect((await app.api<{ videos: unknown[] }>('/v1/creators/demo/videos')).body.videos).toEqual([]);
  });
});
