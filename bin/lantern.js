#!/usr/bin/env node
'use strict';
// The `lantern` command: the compiled CLI (npm ci builds it through the `prepare` script).
require('../dist/cli/main.js').run();
