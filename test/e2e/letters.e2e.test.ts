/**
 * The letters example (/letters/<room>) in a real browser: two browser
 * contexts (two users, each with its own IndexedDB and sessionStorage) in
 * one room of one server process. Without /usr/bin/chromium the file prints
 * one skip line, unless YRACER_REQUIRE_CHROMIUM is set: then it fails.
 * Screenshots land in test-artifacts/letters-*.png (git-ignored).
 *
 * "Apart" is `contextB.setOffline(true)`. Chromium's offline emulation does
 * not close a WebSocket that is already open (it only fails new ones), but
 * it fires the window's `offline` event, on which the yracer client drops
 * its socket and stays offline until `online` (src/client/network-status.ts).
 * The test checks that B really is apart: its status shows offline and A's
 * move does not reach it.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, browserTestsRun, ExampleInBrowser } from '../helpers/e2e-fixtures.ts';

interface Point {
  readonly x: number;
  readonly y: number;
}

const VIEWPORT = { width: 1100, height: 820 };
const ROOM = `e2e-${Math.random().toString(36).slice(2, 10)}`;

async function status(page: Page, value: 'online' | 'offline'): Promise<void> {
  await page.waitForSelector(`[data-testid="status"][data-status="${value}"]`, { timeout: 10_000 });
}

/** The board's top-left inner corner in page pixels. */
async function boardOrigin(page: Page): Promise<Point> {
  const box = await page.getByTestId('board').boundingBox();
  if (!box) throw new Error('no board');
  return { x: box.x + 1, y: box.y + 1 }; // inside its 1px border
}

/** The tile's stored position (data-x, data-y). */
async function stored(page: Page, testId: string): Promise<Point> {
  const element = page.getByTestId(testId);
  return { x: Number(await element.getAttribute('data-x')), y: Number(await element.getAttribute('data-y')) };
}

/** The tile's centre on screen, relative to the board (what a user sees). */
async function shown(page: Page, id: string): Promise<Point> {
  const [origin, box] = await Promise.all([boardOrigin(page), page.getByTestId(`tile-${id}`).boundingBox()]);
  if (!box) throw new Error(`no tile ${id}`);
  return { x: box.x + box.width / 2 - origin.x, y: box.y + box.height / 2 - origin.y };
}

/** Drags a tile by its centre so that its top-left corner lands at `to` (board pixels), in small steps. */
async function drag(page: Page, id: string, to: Point): Promise<void> {
  const origin = await boardOrigin(page);
  const from = await shown(page, id);
  await page.mouse.move(origin.x + from.x, origin.y + from.y);
  await page.mouse.down();
  await page.mouse.move(origin.x + to.x + 28, origin.y + to.y + 28, { steps: 12 });
  await page.mouse.up();
}

const near = (a: Point, b: Point, within = 1): boolean => Math.abs(a.x - b.x) <= within && Math.abs(a.y - b.y) <= within;
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

describe.runIf(browserTestsRun('browser end-to-end tests'))('letters example in Chromium', () => {
  const example = new ExampleInBrowser();
  let contextA: BrowserContext;
  let contextB: BrowserContext;
  let pageA: Page;
  let pageB: Page;

  beforeAll(async () => {
    await example.start();
    const ready = async (page: Page): Promise<void> => {
      await status(page, 'online');
      await page.getByTestId('tile-a').waitFor({ timeout: 10_000 });
    };
    ({ context: contextA, page: pageA } = await example.open(`/letters/${ROOM}`, ready, VIEWPORT));
    ({ context: contextB, page: pageB } = await example.open(`/letters/${ROOM}`, ready, VIEWPORT));
  }, 120_000);

  afterAll(() => example.close());

  it('seeds one set of tiles that both users see at the same places', async () => {
    const tiles = (page: Page) => page.locator('[data-testid^="tile-"]');
    await expect.poll(() => tiles(pageA).count()).toBe(26 + 5 + 3 + 5);
    expect(await tiles(pageB).count()).toBe(26 + 5 + 3 + 5);
    for (const id of ['a', 'm', 'z', 'hello-0', 'racer-4']) expect(await stored(pageB, `tile-${id}`)).toEqual(await stored(pageA, `tile-${id}`));
  });

  it("shows B's cursor in A, with B's name", async () => {
    const name = await pageB.getByTestId('me').getAttribute('data-name');
    expect(name).toBeTruthy();
    const origin = await boardOrigin(pageB);
    await pageB.mouse.move(origin.x + 480, origin.y + 240, { steps: 6 });
    const cursor = pageA.getByTestId(`cursor-${name}`);
    await cursor.waitFor({ timeout: 2000 });
    expect(await cursor.textContent()).toBe(name);
    // The arrow's tip is at B's pointer, in board pixels.
    await expect
      .poll(async () => {
        const [box, originA] = await Promise.all([cursor.boundingBox(), boardOrigin(pageA)]);
        return box !== null && near({ x: box.x - originA.x, y: box.y - originA.y }, { x: 480, y: 240 }, 3);
      })
      .toBe(true);
    await expect.poll(() => pageA.getByTestId('person').allTextContents()).toEqual([name]);
    await pageA.screenshot({ path: join(ARTIFACTS, 'letters-cursor.png') });
  });

  it('moves a tile dragged in A in B within 2 s', async () => {
    const target = { x: 420, y: 300 };
    await drag(pageA, 'q', target);
    expect(near(await stored(pageA, 'tile-q'), target)).toBe(true);
    const started = Date.now();
    await expect.poll(() => stored(pageB, 'tile-q'), { timeout: 2000, interval: 50 }).toEqual(await stored(pageA, 'tile-q'));
    expect(Date.now() - started).toBeLessThan(2000);
    await expect.poll(async () => near(await shown(pageA, 'q'), await shown(pageB, 'q'))).toBe(true);
  });

  for (const { id, choice, targetA, targetB } of [
    { id: 'm', choice: 'use-mine', targetA: { x: 560, y: 380 }, targetB: { x: 140, y: 330 } },
    { id: 'w', choice: 'keep-theirs', targetA: { x: 740, y: 470 }, targetB: { x: 820, y: 320 } },
  ] as const) {
    it(`after both moved "${id}" while apart, one of them gets the conflict; "${choice}" makes both agree`, async () => {
      await contextB.setOffline(true);
      await status(pageB, 'offline');
      await drag(pageA, id, targetA);
      await drag(pageB, id, targetB);
      expect(near(await stored(pageA, `tile-${id}`), targetA)).toBe(true);
      // Apart for real: A's move does not reach B.
      await sleep(500);
      expect(near(await stored(pageB, `tile-${id}`), targetB)).toBe(true);

      await contextB.setOffline(false);
      await status(pageB, 'online');
      await expect.poll(async () => (await pageA.getByTestId(`ghost-${id}`).count()) + (await pageB.getByTestId(`ghost-${id}`).count()), { timeout: 5000 }).toBe(1);
      const loserIsA = (await pageA.getByTestId(`ghost-${id}`).count()) === 1;
      const [loser, winner] = loserIsA ? [pageA, pageB] : [pageB, pageA];
      const [mine, theirs] = loserIsA ? [targetA, targetB] : [targetB, targetA];
      // Both show their move at the winner's place; the loser's ghost is where it had put the tile.
      await expect.poll(async () => near(await stored(loser, `tile-${id}`), theirs) && near(await stored(winner, `tile-${id}`), theirs)).toBe(true);
      expect(near(await stored(loser, `ghost-${id}`), mine)).toBe(true);
      await sleep(300); // still exactly one side
      expect(await winner.getByTestId(`ghost-${id}`).count()).toBe(0);
      expect(await loser.getByTestId(`ghost-${id}`).count()).toBe(1);
      await loser.screenshot({ path: join(ARTIFACTS, `letters-conflict-${choice}.png`) });

      await loser.getByTestId(`ghost-${id}`).getByTestId(choice).click();
      await expect.poll(() => loser.getByTestId(`ghost-${id}`).count()).toBe(0);
      const settled = choice === 'use-mine' ? mine : theirs;
      await expect.poll(async () => near(await stored(pageA, `tile-${id}`), settled) && near(await stored(pageB, `tile-${id}`), settled), { timeout: 2000 }).toBe(true);
      expect(await stored(pageA, `tile-${id}`)).toEqual(await stored(pageB, `tile-${id}`));
      // On screen too, once the tiles' short transition is over: within a pixel.
      await expect.poll(async () => near(await shown(pageA, id), await shown(pageB, id))).toBe(true);
      expect(await winner.getByTestId(`ghost-${id}`).count()).toBe(0);
      await loser.screenshot({ path: join(ARTIFACTS, `letters-resolved-${choice}.png`) });
    });
  }

  it('redirects /letters to the lobby and refuses a bad room name', async () => {
    const page = await contextA.newPage();
    await page.goto(`${example.url}/letters`);
    expect(new URL(page.url()).pathname).toBe('/letters/lobby');
    await page.getByTestId('tile-a').waitFor({ timeout: 10_000 });
    await page.goto(`${example.url}/letters/not.a.room`);
    await page.getByTestId('room-error').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('board').count()).toBe(0);
    await page.close();
  });
  it('keeps the last moved tile on top through a reload (the stacking is stored)', async () => {
    const spot = { x: 300, y: 200 };
    const beside = { x: spot.x + 40, y: spot.y }; // overlapping the spot's tile from x + 40 to x + 56
    /** The tile drawn where the two overlap (the top one). */
    const topAt = async (page: Page): Promise<string | null> => {
      const origin = await boardOrigin(page);
      return page.evaluate(([x, y]) => document.elementFromPoint(x as number, y as number)?.closest('[data-testid^="tile-"]')?.getAttribute('data-testid') ?? null, [
        origin.x + spot.x + 48,
        origin.y + spot.y + 28,
      ]);
    };
    // "g" first, then "f" over it: f is on top, although g comes later in the page (ids in order).
    await drag(pageA, 'g', beside);
    await drag(pageA, 'f', spot);
    await expect.poll(() => topAt(pageA)).toBe('tile-f');
    await expect.poll(() => topAt(pageB), { timeout: 5000 }).toBe('tile-f');
    await pageA.reload();
    await status(pageA, 'online');
    await pageA.getByTestId('tile-f').waitFor({ timeout: 10_000 });
    await expect.poll(() => topAt(pageA)).toBe('tile-f');
    expect(Number(await pageA.getByTestId('tile-f').evaluate((tile) => getComputedStyle(tile).zIndex))).toBeGreaterThan(
      Number(await pageA.getByTestId('tile-g').evaluate((tile) => getComputedStyle(tile).zIndex)),
    );
    // And the other way round: moving g again (grabbed by its uncovered part) puts it on top, for both.
    await drag(pageB, 'g', { x: beside.x + 1, y: beside.y });
    await expect.poll(() => topAt(pageA), { timeout: 5000 }).toBe('tile-g');
  });

  it('scales the board to a 375 px wide phone screen, and a drag there lands where the finger is', async () => {
    const phone = { width: 375, height: 740 };
    const { page, context } = await example.open(`/letters/${ROOM}`, async (opened) => {
      await status(opened, 'online');
      await opened.getByTestId('tile-a').waitFor({ timeout: 10_000 });
    }, phone);
    const board = await page.getByTestId('board').boundingBox();
    if (!board) throw new Error('no board');
    const scale = Number(await page.getByTestId('board').getAttribute('data-scale'));
    expect(scale).toBeLessThan(1);
    expect(board.x).toBeGreaterThanOrEqual(0);
    expect(board.x + board.width).toBeLessThanOrEqual(phone.width);
    expect(board.width).toBeGreaterThan(phone.width * 0.8); // the page's width, not a sliver
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);
    // Every tile is on the board, none clipped away.
    const tiles = await page.locator('[data-testid^="tile-"]').all();
    expect(tiles.length).toBe(26 + 5 + 3 + 5);
    for (const tile of tiles) {
      const box = await tile.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(board.x - 2);
      expect(box!.x + box!.width).toBeLessThanOrEqual(board.x + board.width + 2);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'letters-375.png') });

    // Drag "k" so that its top-left corner lands at board pixels (700, 420): screen pixels are board pixels × scale.
    const target = { x: 700, y: 420 };
    const from = await page.getByTestId('tile-k').boundingBox();
    if (!from) throw new Error('no tile k');
    const start = await stored(page, 'tile-k');
    const grab = { x: from.x + from.width / 2, y: from.y + from.height / 2 };
    await page.mouse.move(grab.x, grab.y);
    await page.mouse.down();
    const origin = { x: board.x + scale, y: board.y + scale }; // inside the 1 px border, scaled
    const centre = { x: grab.x - origin.x - start.x * scale, y: grab.y - origin.y - start.y * scale }; // where on the tile, in screen pixels
    await page.mouse.move(origin.x + target.x * scale + centre.x, origin.y + target.y * scale + centre.y, { steps: 10 });
    await page.mouse.up();
    await expect.poll(async () => near(await stored(page, 'tile-k'), target, 4)).toBe(true);
    await expect.poll(async () => near(await stored(pageA, 'tile-k'), await stored(page, 'tile-k'), 0), { timeout: 5000 }).toBe(true);
    await context.close();
  });
});
