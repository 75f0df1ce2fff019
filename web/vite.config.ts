import { defineConfig } from 'vitest/config'
import react from '@vitejs/plugin-react'

// The server serves the build from its wwwroot (gitignored build output); `npm run dev` proxies the API and socket.
export default defineConfig({
  plugins: [react()],
  build: { outDir: '../src/TokenIM.Server/wwwroot', emptyOutDir: true },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
  test: { environment: 'happy-dom', include: ['src/**/*.test.{ts,tsx}'] },
})
