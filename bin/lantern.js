#!/usr/bin/env node
'use strict';
// The `lantern` command: the compiled CLI (npm ci builds it through the `prepare` script).
// V8 tuning first: it must precede the compilation of the modules it is for (src/common/v8-tuning.ts).
require('../dist/common/v8-tuning.js').tuneV8();
require('../dist/cli/main.js').run();
