import { execFileSync } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";

/** A private tmux server (its own socket) in which a test runs the CLI on a real terminal. */
export interface Terminal {
  tmux(...args: string[]): string;
  /** The visible screen of `target` (a window or pane; default the current one), as text. */
  screen(target?: string): string;
  /** Polls `read` every 100 ms until it returns a value; on timeout throws with the screen. */
  until<T>(what: string, read: () => Promise<T | undefined> | T | undefined, timeoutMs?: number): Promise<T>;
  /** Stops the tmux server and removes its socket. */
  close(): Promise<void>;
}

export function privateTerminal(socket: string): Terminal {
  const tmux = (...args: string[]) => execFileSync("tmux", ["-u", "-L", socket, ...args], { encoding: "utf8" });
  const screen = (target?: string) => tmux("capture-pane", "-p", ...(target ? ["-t", target] : []));
  return {
    tmux,
    screen,
    // Generous by default: under a full parallel test run the CLI and PGlite can take many seconds to draw a frame.
    async until(what, read, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await read();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      try {
        tmux("kill-server");
      } catch {
        // the server exits by itself once its only session has ended
      }
      await rm(path.join(process.env.TMUX_TMPDIR ?? "/tmp", `tmux-${process.getuid?.()}`, socket), { force: true });
    },
  };
}
