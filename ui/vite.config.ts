import { defineConfig } from "vitest/config";

// Preact's automatic JSX runtime through esbuild: no Vite plugin needed.
export default defineConfig({
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: { outDir: "dist", emptyOutDir: true, target: "safari15", sourcemap: false },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
