// Entry point: connect the bridge first (in web mode this also takes the secret out of the URL at once),
// load translations, then render.
import '@mantine/core/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectBridge } from './bridge/connect-bridge.ts';
import { createI18n } from './i18n/create-i18n.ts';
import { Root } from './root/Root.tsx';

const client = connectBridge();
const i18n = await createI18n();
const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <Root client={client} i18n={i18n} />
  </StrictMode>,
);
