/**
 * Minimal require hook: lets `node --require ./bench/swc-register.js file.ts` run TypeScript
 * through @swc/core (type stripping only, like jest's @swc/jest) without compiling the project.
 */
const fs = require('fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
