#!/usr/bin/env node
// The installed command: the bundle that `npm install` (prepare) builds from the TypeScript sources.
import "../dist/cli.js";
