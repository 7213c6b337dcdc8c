import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** How to start a worker thread: a script file, or code to evaluate. */
export interface WorkerEntry {
  code: string;
  eval: boolean;
}

/**
 * The compiled worker `<name>.js` in `dir` (the caller's own folder); when running from TypeScript sources
 * (Jest, ts-node) the worker transpiles `<name>.ts` itself with ts-node, independent of the project's tsconfig.
 */
export function workerEntry(dir: string, name: string): WorkerEntry {
  const compiled = join(dir, `${name}.js`);
  if (existsSync(compiled)) return { code: compiled, eval: false };
  const options = {
    transpileOnly: true,
    skipProject: true,
    compilerOptions: {
      module: 'commonjs',
      moduleResolution: 'node10',
      ignoreDeprecations: '6.0',
      target: 'es2022',
      esModuleInterop: true,
      resolveJsonModule: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    },
  };
  const source = join(dir, `${name}.ts`);
  return { code: `require('ts-node').register(${JSON.stringify(options)}); require(${JSON.stringify(source)});`, eval: true };
}
