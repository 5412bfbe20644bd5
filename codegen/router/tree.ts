/**
 * The compile-time shape of the router: which routes go in the whole-path
 * `switch`, the segment tree for the rest, and which patterns can share a
 * path with another (so that a method miss there must keep looking before
 * answering 405). Plain data; emit.ts turns it into code.
 */
import type { HttpMethod, RouteIR, SegmentIR } from '../../ir/ir.ts';
import { compareStatic, effectiveMethods, isSingleForm, patternKey, staticSegmentForms } from './policy.ts';

/** Routes that match exactly the same paths, by method. */
export interface Leaf {
  segments: readonly SegmentIR[];
  /** Sorted by method. */
  routes: RouteIR[];
  /** Methods answered here (HEAD added when GET is present), sorted. */
  methods: HttpMethod[];
  /** Some other pattern matches some path this one matches. */
  overlaps: boolean;
}

export interface StaticChild {
  value: string;
  forms: string[];
  node: TreeNode;
}

export interface TreeNode {
  /** Number of segments consumed to reach this node. */
  depth: number;
  /** Patterns that end here. */
  end: Leaf | null;
  /** In priority order (see `compareStatic`). */
  statics: StaticChild[];
  param: TreeNode | null;
  /** Patterns whose `*wildcard` starts here. */
  wildcard: Leaf | null;
}

export interface RouterPlan {
  /** Fully static patterns whose segments have one form each: matched by `switch (path)`; keyed by that path. */
  exact: { path: string; leaf: Leaf }[];
  /** Everything else. */
  tree: TreeNode;
  /** All leaves, in table order of their first route. */
  leaves: Leaf[];
  /** Every method some leaf answers, sorted: bit i of the `allowed` mask is `methods[i]`. */
  methods: HttpMethod[];
}

function newNode(depth: number): TreeNode {
  return { depth, end: null, statics: [], param: null, wildcard: null };
}

/** True when some path is matched by both patterns (conservative: may say true for paths the trailing-slash rule removes). */
export function patternsOverlap(a: readonly SegmentIR[], b: readonly SegmentIR[]): boolean {
  for (let i = 0; ; i++) {
    const sa = a[i];
    const sb = b[i];
    if (!sa && !sb) return true;
    if (sa?.kind === 'wildcard' || sb?.kind === 'wildcard') return true;
    if (!sa || !sb) return false;
    if (sa.kind === 'static' && sb.kind === 'static') {
      const formsB = staticSegmentForms(sb.value);
      if (!staticSegmentForms(sa.value).some((f) => formsB.includes(f))) return false;
    }
    // static vs param, param vs param: a non-empty segment matches both.
  }
}

export function planRouter(routes: readonly RouteIR[]): RouterPlan {
  const byKey = new Map<string, Leaf>();
  for (const route of routes) {
    const key = patternKey(route.segments);
    let leaf = byKey.get(key);
    if (!leaf) {
      leaf = { segments: route.segments, routes: [], methods: [], overlaps: false };
      byKey.set(key, leaf);
    }
    leaf.routes.push(route);
  }
  const leaves = [...byKey.values()];
  for (const leaf of leaves) {
    leaf.routes.sort((x, y) => (x.method < y.method ? -1 : x.method > y.method ? 1 : 0));
    leaf.methods = effectiveMethods(leaf.routes.map((r) => r.method));
  }
  for (let i = 0; i < leaves.length; i++) {
    for (let j = i + 1; j < leaves.length; j++) {
      if (patternsOverlap(leaves[i]!.segments, leaves[j]!.segments)) {
        leaves[i]!.overlaps = true;
        leaves[j]!.overlaps = true;
      }
    }
  }

  const exact: RouterPlan['exact'] = [];
  const tree = newNode(0);
  for (const leaf of leaves) {
    if (leaf.segments.every((s) => s.kind === 'static' && isSingleForm(s.value))) {
      exact.push({ path: '/' + leaf.segments.map((s) => (s as { value: string }).value).join('/'), leaf });
      continue;
    }
    let node = tree;
    for (const s of leaf.segments) {
      if (s.kind === 'wildcard') {
        node.wildcard = leaf;
        break;
      }
      if (s.kind === 'param') {
        node = node.param ??= newNode(node.depth + 1);
        continue;
      }
      let child = node.statics.find((c) => c.value === s.value);
      if (!child) {
        child = { value: s.value, forms: staticSegmentForms(s.value), node: newNode(node.depth + 1) };
        node.statics.push(child);
      }
      node = child.node;
    }
    if (leaf.segments.length === 0 || leaf.segments[leaf.segments.length - 1]!.kind !== 'wildcard') node.end = leaf;
  }
  sortTree(tree);
  exact.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));

  const methods = [...new Set(leaves.flatMap((l) => l.methods))].sort();
  return { exact, tree, leaves, methods };
}

function sortTree(node: TreeNode): void {
  node.statics.sort((x, y) => compareStatic(x.value, y.value));
  for (const c of node.statics) sortTree(c.node);
  if (node.param) sortTree(node.param);
}

export function isEmptyTree(node: TreeNode): boolean {
  return !node.end && !node.wildcard && !node.param && node.statics.length === 0;
}
