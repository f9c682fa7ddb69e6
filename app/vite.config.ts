// Builds the UI into dist/app. The base is relative so the same files load from the host's
// http://127.0.0.1:PORT/ in web mode and from daomesh://app/ inside Electron.
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// The dev server injects an inline script (React Fast Refresh preamble) that the production CSP forbids.
// Only `vite serve` gets the relaxed policy; the built index.html keeps the strict one.
function relaxCspForDevServer(): Plugin {
  return {
    name: 'daomesh-relax-csp-for-dev-server',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'");
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), relaxCspForDevServer()],
  build: {
    outDir: '../dist/app',
    emptyOutDir: true,
    // The bundle is read from local disk or loopback, never over a network, so one chunk is fine.
    chunkSizeWarningLimit: 1500,
  },
});
