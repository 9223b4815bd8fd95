/**
 * Ink draws only the final frame when it believes it runs in CI (`CI` or
 * `CONTINUOUS_INTEGRATION` set, as in many shells and every CI job). On a real terminal
 * the dashboard must draw live, so for this process those are set to "false" before Ink
 * is loaded (Ink reads them once, at import).
 */
export function letInkDrawLive(): void {
  if (!process.stdout.isTTY) return;
  for (const key of ["CI", "CONTINUOUS_INTEGRATION"]) {
    if (key in process.env) process.env[key] = "false";
  }
}
