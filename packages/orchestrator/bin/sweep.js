#!/usr/bin/env node
// React (under Ink) runs its development build, with its extra checks, unless told
// otherwise; a CLI wants the production one. Set before any command loads React.
process.env.NODE_ENV ??= "production";
const { main, endProcess } = await import("../dist/cli.js");

endProcess(await main(process.argv));
