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
    // skipProject: the engine needs no project settings to transpile, and the bench must not break when tsconfig changes.
    require('ts-node').register({
      transpileOnly: true,
      skipProject: true,
      compilerOptions: {
        module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0', target: 'es2022',
        esModuleInterop: true, resolveJsonModule: true, experimentalDecorators: true, emitDecoratorMetadata: true,
      },
    });
    global.__lanternTsRegistered = true;
  }
  return require(path.join(root, 'src', modulePath));
}

module.exports = { load, root };
