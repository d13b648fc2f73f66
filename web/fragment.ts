/**
 * The nodes as one DocumentFragment, for `append` and `replaceChildren`: `parent.append(...nodes)`
 * puts every node on the stack as an argument, and a data-sized list (a CSV's columns) overflows it.
 */
export function fragment(nodes: Iterable<Node | string>): DocumentFragment {
  const f = document.createDocumentFragment();
  for (const n of nodes) f.append(n);
  return f;
}
