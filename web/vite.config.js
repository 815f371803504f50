import { defineConfig } from "vite";

// The dashboard is served at /app by the local host (and by Static Web Apps in Azure) under the CSP
// "default-src 'self'": every script and style must be a file of this build, never inline or a data: URI.
export default defineConfig({
  base: "/app/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
