#!/usr/bin/env node
// React (under Ink) runs its development build, with its extra checks, unless told
// otherwise; a CLI wants the production one. Set before any command loads React.
process.env.NODE_ENV ??= "production";
const { main } = await import("../dist/cli.js");

process.exitCode = await main(process.argv);
