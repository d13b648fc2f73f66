// The derivation of backpropagation for the 2-2-1 network, weight by weight (docs/getting-started.md), on the page:
// the section's own text, bundled from the guide at build time, so the page and the guide never
// differ. Paragraphs, **bold**, `code` and fenced blocks are all that section uses.
import readme from '../docs/getting-started.md' with { type: 'text' };
import { fragment } from './fragment.js';

const HEADING = '## Backpropagation for the 2-2-1 network, weight by weight';

/** The section's text, from below its heading to the next section. */
function derivationText(): string {
  const start = readme.indexOf(HEADING);
  if (start < 0) return '';
  const body = readme.slice(start + HEADING.length);
  const end = body.indexOf('\n## ');
  return (end < 0 ? body : body.slice(0, end)).trim();
}

/** A paragraph with its **bold** and `code` spans as elements (text nodes only: nothing is parsed as HTML). */
function paragraph(text: string): HTMLParagraphElement {
  const p = document.createElement('p');
  for (const part of text.split(/(\*\*[^*]+\*\*|`[^`]+`)/)) {
    if (part.startsWith('**')) p.append(Object.assign(document.createElement('strong'), { textContent: part.slice(2, -2) }));
    else if (part.startsWith('`')) p.append(Object.assign(document.createElement('code'), { textContent: part.slice(1, -1) }));
    else if (part) p.append(part);
  }
  return p;
}

/** Fills `box` with the section: fenced blocks as <pre>, the rest as paragraphs. */
export function showDerivation(box: HTMLElement): void {
  box.replaceChildren(fragment(derivationText().split(/```\n?/).flatMap((chunk, i): HTMLElement[] => {
    if (i % 2 === 1) return [Object.assign(document.createElement('pre'), { textContent: chunk.replace(/\n$/, '') })];
    return chunk.split(/\n\s*\n/).map((t) => t.trim()).filter(Boolean).map((t) => paragraph(t.replace(/\n/g, ' ')));
  })));
}
