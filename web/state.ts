// What the page is doing, as one state: idle, checking the form, training, timing the engines, or
// tracing a Step. Features begin and end their state here, a feature that finds the page busy does
// not start, and the status line is written through `say`, which a change of data or settings resets:
// so the status only ever describes what the page is doing, or what the last action just did.
export type Phase = 'idle' | 'checking' | 'training' | 'timing' | 'stepping';
export type Tone = 'idle' | 'running' | 'done' | 'stopped' | 'error';

let phase: Phase = 'idle';

const $ = (id: string) => document.getElementById(id)!;

export const phaseNow = (): Phase => phase;
export const idle = (): boolean => phase === 'idle';

export function say(text: string, tone: Tone): void {
  const status = $('status');
  status.textContent = text;
  status.dataset.state = tone;
  status.dataset.phase = phase;
}

/** The status for an idle page whose settings describe a run not yet made. */
export const READY = 'Press Train to start.';

/**
 * Enters `next` from idle; false (and nothing changes) when the page is busy. Training and timing
 * lock the settings as the run has them, and move focus to the button that stops them.
 */
export function begin(next: Exclude<Phase, 'idle'>): boolean {
  if (phase !== 'idle') return false;
  phase = next;
  if (next === 'training' || next === 'timing') lock(next);
  document.body.dataset.phase = phase;
  return true;
}

/** Back to idle from `from` (a feature ends only its own state). */
export function end(from: Phase): void {
  if (phase !== from) return;
  phase = 'idle';
  if (from === 'training' || from === 'timing') lock(undefined);
  document.body.dataset.phase = phase;
}

/** Locks the settings for a run and moves focus to the button that stops it; unlocks, and focus goes back. */
function lock(kind: 'training' | 'timing' | undefined): void {
  const buttons = { training: $('train') as HTMLButtonElement, timing: $('compare') as HTMLButtonElement };
  const stops = { training: $('stop') as HTMLButtonElement, timing: $('stop-timing') as HTMLButtonElement };
  const focused = document.activeElement;
  for (const id of ['train', 'compare', 'step', 'play', 'reset']) ($(id) as HTMLButtonElement).disabled = kind !== undefined;
  stops.training.disabled = kind !== 'training';
  stops.timing.disabled = kind !== 'timing';
  for (const fieldset of $('settings').querySelectorAll('fieldset')) fieldset.disabled = kind !== undefined;
  for (const button of $('layer-buttons').querySelectorAll('button')) button.disabled = kind !== undefined;
  // preventScroll: on a phone the run brings its chart into view, and focus should not take the view back to the form.
  if (kind) stops[kind].focus({ preventScroll: true });
  else if (focused === stops.training || focused === stops.timing || focused === document.body || focused === null) {
    (focused === stops.timing ? buttons.timing : buttons.training).focus({ preventScroll: true });
  }
}
