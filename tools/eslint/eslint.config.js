// ESLint (flat config) for the studio: plain ES modules run by the browser as they are
// (no build step), so the recommended rules plus browser globals. The config lives here,
// next to the dev-only node_modules it imports from.
// Run: tools/eslint/node_modules/.bin/eslint --config tools/eslint/eslint.config.js app/studio/static/js

import { fileURLToPath } from "node:url";

import js from "@eslint/js";
import globals from "globals";

export default [
  {
    // The repository, wherever eslint is started from (its default base is the working directory).
    basePath: fileURLToPath(new URL("../..", import.meta.url)),
    files: ["app/studio/static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      ...js.configs.recommended.rules,
      // Long views are what this guards against: a function that grows past this is split
      // into a state object and render functions by part.
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }],
      eqeqeq: ["error", "always"],
      "no-var": "error",
      "prefer-const": "error",
    },
  },
];
