/** The server's side of the web app: the built page at the app's paths with its session, and the assets. */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webAppPage } from '../../src/api/routes/web-routes.js';
import { startServer, type RunningServer } from '../helpers/running-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const BUILT = new URL('../../dist/web/', import.meta.url);

let server: RunningServer;
beforeAll(async () => {
  server = await startServer(undefined, {}, { demoUser: 'demo', demoUserKey: 'fy_demo_</script><b>' });
});
afterAll(async () => server.dispose());

function config(page: string): unknown {
  return JSON.parse(/<script id="foryou-config" type="application\/json">(.*?)<\/script>/s.exec(page)![1]!);
}

describe('the web app routes', () => {
  it('serves the page with the demo session at every path of the app, never cached', async () => {
    for (const path of ['/', '/following', '/upload', '/settings', '/creator/u%201']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const page = await response.text();
      // The key cannot close the script element it sits in.
      expect(page).not.toContain('</script><b>');
      expect(config(page)).toEqual({ user: 'demo', key: 'fy_demo_</script><b>' });
    }
    expect((await fetch(`${server.url}/creator`)).status).toBe(404);
  });

  it('serves the built assets for good, and nothing outside them', async () => {
    const page = await (await fetch(`${server.url}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)![1]!;
    const response = await fetch(`${server.url}${script}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(readdirSync(new URL('assets/', BUILT))).toContain(script.slice('/assets/'.length));
    expect((await fetch(`${server.url}/assets/..%2f..%2f..%2fpackage.json`)).status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${server.url}/assets/nothing.js`)).status).toBe(404);
  });

  it('without demo mode the page carries no session, and says so when the app is not built', () => {
    expect(config(webAppPage(undefined, undefined))).toEqual({ user: null, key: null });
    const empty = makeTempDir();
    try {
      expect(webAppPage('demo', 'k', `${empty.dir}/`)).toContain('npm run build');
    } finally {
      empty.cleanup();
    }
  });
});
