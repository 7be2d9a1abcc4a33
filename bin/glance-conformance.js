#!/usr/bin/env node
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry point: require is how it loads */
// The package ships its TypeScript as is: tsx compiles it on load (Playwright compiles the specs itself).
require('tsx/cjs');
require('../cli/main.ts');
