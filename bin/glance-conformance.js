#!/usr/bin/env node
'use strict';
// The package ships its TypeScript as is: tsx compiles it on load (Playwright compiles the specs itself).
require('tsx/cjs');
require('../cli/main.ts');
