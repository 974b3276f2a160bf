/**
 * Debian's Chromium driven by playwright-core, for the web app's end-to-end tests: one browser per test file, a
 * phone-sized page per test, and every console error or uncaught page error recorded so a test can fail on it.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.FORYOU_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Videos start muted by the app's own choice; this lets the test's unmuted plays start without a gesture too.
  '--autoplay-policy=no-user-gesture-required',
];

/** The phone viewport of the screenshots (an iPhone 14's CSS pixels). */
export const PHONE = { width: 390, height: 844 };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions and requests to other origins seen so far. */
  errors: string[];
  close(): Promise<void>;
}

export async function openPhonePage(browser: Browser, baseURL: string): Promise<AppPage> {
  const context = await browser.newContext({
    baseURL,
    viewport: PHONE,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    acceptDownloads: true,
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  // The app fetches nothing from elsewhere (no CDN, no fonts): every request stays on the server's origin.
  const origin = new URL(baseURL).origin;
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== origin && url.protocol !== 'data:' && url.protocol !== 'blob:') errors.push(`request to ${url.origin}`);
  });
  return { context, page, errors, close: () => context.close() };
}
