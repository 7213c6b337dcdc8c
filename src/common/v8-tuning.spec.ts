import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { LANTERN_V8_FLAGS } from './v8-tuning';

describe('V8 tuning of the lantern command and the server', () => {
  // v8.setFlagsFromString ignores a flag V8 does not know: a renamed flag would silently stop applying.
  it('names only flags this Node.js V8 knows', () => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 << 20 });
    for (const flag of LANTERN_V8_FLAGS) {
      const name = flag.replace(/=.*$/, '');
      expect(options).toContain(`  ${name} (`);
    }
  });

  it('is applied by bin/lantern.js before the CLI modules load', () => {
    const script = `
      const v8 = require('node:v8');
      const applied = [];
      v8.setFlagsFromString = (flag) => applied.push(flag);
      require('node:module').prototype.require = new Proxy(require('node:module').prototype.require, {
        apply(target, self, args) {
          if (String(args[0]).endsWith('main.js')) { console.log(JSON.stringify(applied)); process.exit(0); }
          return Reflect.apply(target, self, args);
        },
      });
      require(${JSON.stringify(join(__dirname, '..', '..', 'bin', 'lantern.js'))});
    `;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([...LANTERN_V8_FLAGS]);
  });

  it('is applied by the server entry point before it starts (checked on a start-up that stops at its config)', () => {
    const script = `
      const v8 = require('node:v8');
      const applied = [];
      v8.setFlagsFromString = (flag) => applied.push(flag);
      process.on('exit', () => console.log(JSON.stringify(applied)));
      process.argv[1] = ${JSON.stringify(join(__dirname, '..', '..', 'dist', 'main.js'))};
      require('node:module').runMain();
    `;
    let out = '';
    try {
      execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, PORT: 'not-a-port' }, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      out = (error as { stdout: string }).stdout;
    }
    expect(JSON.parse(out)).toEqual([...LANTERN_V8_FLAGS]);
  });
});
