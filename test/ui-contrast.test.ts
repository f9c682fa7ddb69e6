// Text contrast in the light scheme, measured in a real browser: every piece of text shown on the main screens
// (home, the DAO list, a DAO, a proposal) reads at WCAG AA, 4.5:1 against what is behind it (3:1 for large
// text). Dimmed descriptions, coloured status text and filled badges were below it (down to 2.5:1).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './fixtures/browser.ts';
import { removeDir, repoRoot, runCliJson, startUiNode, type RunningNode } from './fixtures/cli.ts';

const screenshots = join(repoRoot, 'test-results', 'ui-contrast');

let node: RunningNode;
let browser: Browser;
let page: Page;

before(async () => {
  await mkdir(screenshots, { recursive: true });
  node = await startUiNode();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
});

after(async () => {
  await browser?.close();
  await node?.stop();
  if (node) await removeDir(node.dataDir);
});

type Low = { text: string; ratio: number; color: string; background: string };

/**
 * The visible text elements whose contrast is below AA. Browser code as text (the tests are type-checked without
 * the DOM). The background is the first opaque one among the element and its ancestors (white at the top);
 * disabled controls are exempt, as WCAG has it.
 */
async function lowContrast(): Promise<Low[]> {
  return (await page.evaluate(`(() => {
    const parse = (value) => {
      const m = value.match(/rgba?\\(([^)]+)\\)/);
      if (!m) return null;
      const [r, g, b, a = '1'] = m[1].split(/[ ,/]+/).filter(Boolean);
      return [Number(r), Number(g), Number(b), Number(a)];
    };
    const luminance = ([r, g, b]) => {
      const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const backgroundOf = (element) => {
      for (let at = element; at; at = at.parentElement) {
        const color = parse(getComputedStyle(at).backgroundColor);
        if (color && color[3] >= 0.99) return color;
      }
      return [255, 255, 255, 1];
    };
    const low = [];
    for (const element of document.querySelectorAll('body *')) {
      const own = [...element.childNodes].filter((child) => child.nodeType === 3).map((child) => child.textContent.trim()).join(' ').trim();
      if (!own) continue;
      const style = getComputedStyle(element);
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
      if (element.closest('[disabled], [aria-disabled="true"], [data-disabled]')) continue;
      if (element.closest('.visually-hidden, [class*="VisuallyHidden"]')) continue;
      const color = parse(style.color);
      if (!color) continue;
      const background = backgroundOf(element);
      // Text drawn semi-transparent is blended over what is behind it.
      const blended = color.slice(0, 3).map((c, i) => c * color[3] + background[i] * (1 - color[3]));
      const [a, b] = [luminance(blended), luminance(background)].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) low.push({ text: own.slice(0, 60), ratio: Math.round(ratio * 100) / 100, color: style.color, background: 'rgb(' + background.slice(0, 3).join(', ') + ')' });
    }
    return low;
  })()`)) as Low[];
}

test('text on the main screens reads at AA contrast in the light scheme', async () => {
  const data = ['--data', node.dataDir];
  const { dao } = await runCliJson<{ dao: string }>([...data, 'dao', 'create', '--name', 'Contrast Club', '--preset', 'quadratic', '--voting-period', '2s']);
  const { proposal: closed } = await runCliJson<{ proposal: string }>([...data, 'proposal', 'create', dao, '--title', 'Closed, waiting for a signature']);
  const { proposal } = await runCliJson<{ proposal: string }>([...data, 'proposal', 'create', dao, '--title', 'Paint the shed']);
  await page.goto(node.info.ui!);
  await page.getByTestId('home-address').waitFor({ timeout: 15_000 });
  const found: Array<Low & { screen: string }> = [];
  const scan = async (screen: string) => {
    found.push(...(await lowContrast()).map((entry) => ({ ...entry, screen })));
    await page.screenshot({ path: join(screenshots, `${screen.replaceAll(' ', '-')}.png`), fullPage: true });
  };
  await scan('home');
  await page.getByTestId('nav-daos').click();
  // The card asks for a signature (a filled orange badge) once the first proposal's voting period is over.
  await page.locator('[data-testid="dao-card-to-sign"]').waitFor({ timeout: 30_000 });
  await scan('DAO list');
  await page.locator('[data-testid="dao-card"]', { hasText: 'Contrast Club' }).click();
  await page.locator(`[data-testid="proposal-row"][data-proposal="${proposal}"]`).waitFor({ timeout: 15_000 });
  await scan('DAO home');
  await page.locator(`[data-testid="proposal-row"][data-proposal="${proposal}"]`).click();
  await page.getByTestId('proposal-detail').waitFor({ timeout: 15_000 });
  await scan('open proposal');
  await page.getByTestId('proposal-back').click();
  await page.locator(`[data-testid="proposal-row"][data-proposal="${closed}"]`).click();
  await page.locator(`[data-testid="proposal-detail"][data-proposal="${closed}"]`).waitFor({ timeout: 15_000 });
  await scan('closed proposal');
  assert.deepEqual(found, [], found.map((entry) => `${entry.screen}: "${entry.text}" ${entry.ratio}:1 (${entry.color} on ${entry.background})`).join('\n'));
});
