// A calm theme: one muted primary colour, rounded corners, and system fonts only (the CSP allows no web
// fonts from elsewhere, and system fonts include CJK faces for Traditional Chinese). It is made per language:
// the close buttons Mantine draws for every dialog and drawer are named in the user's language here, once.
import { createTheme, Drawer, Modal, type MantineThemeOverride } from '@mantine/core';
import type { TFunction } from 'i18next';

export function createAppTheme(t: TFunction): MantineThemeOverride {
  const closeButtonProps = { 'aria-label': t('common.close') };
  return createTheme({
    primaryColor: 'indigo',
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
