import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiClient } from './api/client.js';
import { SessionProvider } from './api/session.js';
import { App } from './App.js';

const api = new ApiClient({ storage: window.sessionStorage });
const queries = new QueryClient({
  defaultOptions: { queries: { retry: 1, staleTime: 10_000, refetchOnWindowFocus: false } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* Whoever asks their system for less motion gets modals and menus without transitions. */}
    <MantineProvider theme={{ respectReducedMotion: true }}>
      <QueryClientProvider client={queries}>
        <SessionProvider api={api}>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
