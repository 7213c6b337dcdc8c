'use strict';
/**
 * Lets bench scripts require the TypeScript sources directly (transpile only, no type-check),
 * or the compiled dist/ when LANTERN_USE_DIST=1.
 */
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function load(modulePath) {
  if (process.env.LANTERN_USE_DIST === '1') return require(path.join(root, 'dist', modulePath));
  if (!global.__lanternTsRegistered) {
    require('ts-node').register({
      transpileOnly: true,
      compilerOptions: { module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' },
    });
    global.__lanternTsRegistered = true;
  }
  return require(path.join(root, 'src', modulePath));
}

module.exports = { load, root };
