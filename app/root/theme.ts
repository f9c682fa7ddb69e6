// A calm theme: one muted primary colour, rounded corners, and system fonts only (the CSP allows no web
// fonts from elsewhere, and system fonts include CJK faces for Traditional Chinese). It is made per language:
// the close buttons Mantine draws for every dialog and drawer are named in the user's language here, once.
import { createTheme, Drawer, Modal, type CSSVariablesResolver, type MantineThemeOverride } from '@mantine/core';
import type { TFunction } from 'i18next';

/** Mantine's colours; the warm and light ones need darker text than the others to read on white and on their tints. */
const coolColors = ['gray', 'red', 'pink', 'grape', 'violet', 'indigo', 'blue'] as const;
const warmColors = ['cyan', 'teal', 'green', 'lime', 'yellow', 'orange'] as const;

/**
 * Text at WCAG AA contrast (4.5:1) in the light scheme: Mantine's dimmed grey is 3.3:1 on white, coloured text
 * (c="teal") 2.5:1, and the text of light badges on their tints 2.7:1 (yellow). Darker shades, mixed with black
 * for the warm colours, read at 4.5:1 or more (test/ui-contrast.test.ts measures it). Dark scheme as Mantine has it.
 */
export const readableText: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    ...Object.fromEntries(
      coolColors.flatMap((color) => [
        [`--mantine-color-${color}-text`, `var(--mantine-color-${color}-8)`],
        [`--mantine-color-${color}-light-color`, `color-mix(in srgb, var(--mantine-color-${color}-9), black 25%)`],
      ]),
    ),
    ...Object.fromEntries(
      warmColors.flatMap((color) => [
        [`--mantine-color-${color}-text`, `color-mix(in srgb, var(--mantine-color-${color}-9), black 35%)`],
        [`--mantine-color-${color}-light-color`, `color-mix(in srgb, var(--mantine-color-${color}-9), black 45%)`],
      ]),
    ),
  },
  dark: {},
});

export function createAppTheme(t: TFunction): MantineThemeOverride {
  const closeButtonProps = { 'aria-label': t('common.close') };
  return createTheme({
    primaryColor: 'indigo',
    // White on indigo 6 is 4.3:1, on indigo 7 about 5:1. Filled colours take black text above a luminance of 0.18
    // and white below it: either way at least 4.5:1 (white on orange 6 was 3:1).
    primaryShade: { light: 7, dark: 8 },
    autoContrast: true,
    luminanceThreshold: 0.18,
    defaultRadius: 'md',
    fontFamily:
      'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "PingFang TC", "Microsoft JhengHei", "Noto Sans CJK TC", sans-serif',
    fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
    headings: { fontWeight: '650' },
    components: {
      Modal: Modal.extend({ defaultProps: { closeButtonProps } }),
      Drawer: Drawer.extend({ defaultProps: { closeButtonProps } }),
    },
  });
}
