// First render of the scope matrix in Chromium: 500 workspaces x 31 scopes (5–30 credentials each), seeded straight
// into the cache through the inventory repository, served by `grantdesk serve` in-process, opened in real Chromium.
// Figures: the contract call (main side, JSON included) and, in the page, navigation -> data -> grid rendered, plus
// keyboard scroll through the grid (frames over 50 ms while paging down). Needs the built renderer (npm run build:web).
import { performance } from 'node:perf_hooks';
import { startServeFixture } from '../test/support/serve-fixture.ts';
import { seedInventory } from '../test/node/inventory/seed.ts';
import { SERVE_CONTEXT } from '../src-main/rpc/handlers.ts';

const WORKSPACES = 500;
const RUNS = 5;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export async function run(): Promise<Record<string, number>> {
  const app = await startServeFixture({ viewport: { width: 1440, height: 900 } });
  try {
    const inv = app.runtime.services.inventory;
    const t0 = performance.now();
    seedInventory(inv.repository, { workspaces: WORKSPACES, nowMs: Date.now() - 600_000, seed: 42 });
    const seedMs = performance.now() - t0;
    const m = inv.matrix({});
    if (typeof m === 'string') throw new Error('unexpected CSV');
    const credentials = m.totals.credentials;

    const contractMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const s = performance.now();
      const r = await app.runtime.dispatcher.call('inventory.matrix', {}, SERVE_CONTEXT);
      if (!r.ok) throw new Error(r.error.message);
      JSON.stringify(r.value);
      contractMs.push(performance.now() - s);
    }

    const page = app.page;
    const firstRender: number[] = [];
    const dataToRender: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${app.serve.url}#/workspaces`);
      await page.locator('[data-testid="app-frame"][data-ready="true"]').waitFor();
      await page.evaluate('performance.clearMarks(); performance.mark("grantdesk:nav")');
      await page.evaluate(`location.hash = '#/scope-matrix'`);
      await page.getByTestId('matrix-ws-row').first().waitFor();
      // one more frame so layout and paint of the first screen are done
      const t = (await page.evaluate(`new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(() => {
        const nav = performance.getEntriesByName('grantdesk:nav')[0].startTime;
        const data = performance.getEntriesByName('grantdesk:matrix-data').at(-1)?.startTime ?? NaN;
        const rendered = performance.getEntriesByName('grantdesk:matrix-rendered').at(-1)?.startTime ?? NaN;
        res({ total: performance.now() - nav, data: data - nav, rendered: rendered - data });
      })))`)) as { total: number; data: number; rendered: number };
      firstRender.push(t.total);
      dataToRender.push(t.rendered);
      // fresh store next time: the api-keyed store survives hash navigation, so reload the page
      await page.reload();
    }
    // scrolling: page down through all rows with the keyboard, count long frames
    await page.goto(`${app.serve.url}#/scope-matrix`);
    await page.getByTestId('matrix-ws-row').first().waitFor();
    await page.getByTestId('matrix-grid').focus();
    await page.keyboard.press('End');
    const scroll = (await page.evaluate(`new Promise((res) => {
      const grid = document.querySelector('[data-testid="matrix-grid"]');
      let frames = 0, long = 0, last = performance.now(), presses = 0;
      const start = performance.now();
      const tick = (now) => {
        frames++; if (now - last > 50) long++; last = now;
        if (presses < 60) { grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'PageDown', bubbles: true })); presses++; requestAnimationFrame(tick); }
        else res({ frames, long, ms: performance.now() - start });
      };
      requestAnimationFrame(tick);
    })`)) as { frames: number; long: number; ms: number };
    const out = {
      workspaces: WORKSPACES,
      scopes: m.columns.length,
      credentials,
      seed_ms: Math.round(seedMs),
      contract_matrix_median_ms: Math.round(median(contractMs)),
      first_render_median_ms: Math.round(median(firstRender)),
      data_to_grid_median_ms: Math.round(median(dataToRender)),
      scroll_pagedown_frames: scroll.frames,
      scroll_long_frames_over_50ms: scroll.long,
    };
    console.log(`matrix ${WORKSPACES} workspaces x ${m.columns.length} scopes, ${credentials} credentials (seeded in ${out.seed_ms} ms)`);
    console.log(`  inventory.matrix (main side, incl. JSON):      median ${out.contract_matrix_median_ms} ms of ${RUNS}: ${contractMs.map((x) => x.toFixed(0)).join(', ')}`);
    console.log(`  first render (hash change -> grid painted):     median ${out.first_render_median_ms} ms of ${RUNS}: ${firstRender.map((x) => x.toFixed(0)).join(', ')}`);
    console.log(`  of which data received -> grid committed:        median ${out.data_to_grid_median_ms} ms`);
    console.log(`  keyboard PageDown x60: ${scroll.frames} frames in ${scroll.ms.toFixed(0)} ms, ${scroll.long} frames over 50 ms`);
    return out;
  } finally {
    await app.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
