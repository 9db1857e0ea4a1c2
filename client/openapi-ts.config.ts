import { defineConfig } from '@hey-api/openapi-ts';

// `npm run generate` (and `make client`) regenerate src/api/generated from the committed
// OpenAPI snapshot. Never edit the generated files by hand.
export default defineConfig({
  input: process.env.PF_OPENAPI_FILE ?? '../openapi.json',
  output: { path: process.env.PF_OPENAPI_OUT ?? 'src/api/generated', clean: true },
  plugins: [
    '@hey-api/client-fetch',
    '@hey-api/typescript',
    { name: 'zod', compatibilityVersion: 4 },
    // Forms validate with the zod schemas before sending; responses are trusted (drift is caught by
    // the OpenAPI snapshot check), so one server-side format change cannot blank the UI.
    { name: '@hey-api/sdk', validator: false },
  ],
});
