// ESLint flat config for the page (web/js) and its tests (tests/web, tests/browser).
// ESLint is installed by tests/browser/setup.sh into tests/browser/node_modules (no global
// install, no root); tests/web/lint.sh runs it, CTest test web.lint. CommonJS, so Node loads
// it the same way whatever its module-type detection.
'use strict';
const path = require('node:path');

const js = require(require.resolve('@eslint/js', { paths: [path.join(__dirname, 'tests', 'browser')] }));

const shared = {
  Response: 'readonly', ReadableStream: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly',
  AbortController: 'readonly', DOMException: 'readonly', URL: 'readonly', fetch: 'readonly',
  setTimeout: 'readonly', clearTimeout: 'readonly', console: 'readonly',
};
const browser = {
  ...shared, window: 'readonly', document: 'readonly', location: 'readonly', sessionStorage: 'readonly',
  performance: 'readonly', requestAnimationFrame: 'readonly',
};
const node = { ...shared, process: 'readonly' };

const rules = {
  ...js.configs.recommended.rules,
  'no-unused-vars': ['error', { args: 'after-used', caughtErrors: 'none' }],
  eqeqeq: ['error', 'always'],
  'no-var': 'error',
  'prefer-const': 'error',
  'no-implicit-globals': 'error',
  'no-eval': 'error',
  'no-implied-eval': 'error',
  'no-new-func': 'error',
  'no-script-url': 'error',
  // The page never writes markup: everything goes through textContent (web/js/dom.js).
  'no-restricted-properties': ['error',
    { property: 'innerHTML', message: 'use textContent (web/js/dom.js el())' },
    { property: 'outerHTML', message: 'use textContent (web/js/dom.js el())' },
    { property: 'insertAdjacentHTML', message: 'use textContent (web/js/dom.js el())' }],
  'no-restricted-syntax': ['error',
    { selector: "MemberExpression[property.name='write'][object.name='document']", message: 'no document.write' }],
};

module.exports = [
  { ignores: ['build/**', '**/node_modules/**'] },
  {
    files: ['web/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: browser },
    rules,
  },
  {
    files: ['tests/web/**/*.mjs', 'tests/browser/**/*.mjs'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...node, ...browser } },
    rules,
  },
  {
    files: ['eslint.config.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'commonjs', globals: { ...node, require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules,
  },
];
