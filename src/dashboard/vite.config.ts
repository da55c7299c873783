import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The partners' dashboard: built into dist/dashboard and served by the gateway at /dashboard. */
export default defineConfig({
  root: here,
  base: "/dashboard/",
  plugins: [react()],
  build: {
    outDir: path.resolve(here, "../../dist/dashboard"),
    emptyOutDir: true,
    // Every asset a file of its own, loaded from /dashboard: nothing inline, so `default-src 'self'` holds.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
