// The progress line on stderr: `[12/60] round 1/2 fastify post … eta 9m 10s`.
// The ETA is the planned seconds left, scaled by how the steps so far compared
// with their plan. On a terminal the line rewrites itself; otherwise one line
// per step.
import { formatSeconds } from './options.mjs';

export class Progress {
  /** @param steps [{ label, planned (seconds) }] in the order they will run */
  constructor(steps) {
    this.steps = steps;
    this.done = 0;
    this.spentPlanned = 0;
    this.started = Date.now();
    this.tty = process.stderr.isTTY;
  }

  /** Announces the next step (steps run in the order given). */
  start(label) {
    const left = this.steps.slice(this.done).reduce((n, s) => n + s.planned, 0);
    const elapsed = (Date.now() - this.started) / 1000;
    // scale by the pace so far once there is enough of it to mean something
    const pace = this.spentPlanned >= 30 ? Math.min(2, Math.max(0.75, elapsed / this.spentPlanned)) : 1;
    const text = `[${this.done + 1}/${this.steps.length}] ${label ?? this.steps[this.done]?.label ?? ''} … eta ${formatSeconds(left * pace)}`;
    this.print(text);
  }

  /** Marks the current step finished. */
  finish() {
    this.spentPlanned += this.steps[this.done]?.planned ?? 0;
    this.done++;
  }

  /** A message that stays on screen above the progress line. */
  note(text) {
    if (this.tty) process.stderr.write('\r\x1b[K');
    process.stderr.write(`${text}\n`);
  }

  print(text) {
    if (this.tty) process.stderr.write(`\r\x1b[K${text.slice(0, (process.stderr.columns || 120) - 1)}`);
    else process.stderr.write(`${text}\n`);
  }

  end() {
    if (this.tty) process.stderr.write('\r\x1b[K');
  }
}
