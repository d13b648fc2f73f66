// A guide (docs/getting-started.md), bundled as text (esbuild's `with { type: 'text' }`) for the page's derivation panel.
declare module '*.md' {
  const text: string;
  export default text;
}
