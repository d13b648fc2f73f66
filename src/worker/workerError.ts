// A Web Worker's uncaught error as the page hears it: an ErrorEvent whose message is a line of text
// ("Uncaught Error: …"; its error object stays in the worker). Its message alone, as Node's workers
// give it, so that an error reads the same on both.
export function workerErrorMessage(e: ErrorEvent): string {
  return e.message.replace(/^Uncaught (\w*Error: )?/, '');
}
