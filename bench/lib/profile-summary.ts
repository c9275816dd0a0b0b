import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
}

/** Where a sampled function lives: a package, Node itself, Antara's source, or V8's own work. */
function area(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope = '', name = ''] = url.slice(modules + '/node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  const source = /\/packages\/([^/]+)\/src\/(.+)$/.exec(url);
  if (source) return `antara ${source[1]}`;
  return 'other';
}

function where(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/node_modules\//, '').replace(/^.*\/packages\//, '');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

/** Self-time shares of a .cpuprofile: by area and the heaviest functions, idle time excluded. */
export function summariseProfile(file: string, top = 20): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    if (node.callFrame.functionName === '(idle)') {
      idle += hits;
      continue;
    }
    busy += hits;
    byArea.set(area(node), (byArea.get(area(node)) ?? 0) + hits);
    byFunction.set(where(node), (byFunction.get(where(node)) ?? 0) + hits);
  }
  // Inclusive time of Antara's own functions: the time spent in them and in all they call.
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const inclusive = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0 || node.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let at: ProfileNode | undefined = node; at; at = parent.get(at.id)) {
      if (!area(at).startsWith('antara')) continue;
      const key = where(at);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + hits);
    }
  }
  const pct = (hits: number) => `${((hits / busy) * 100).toFixed(1).padStart(5)}%`;
  const ranked = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `busy ${((busy / (busy + idle)) * 100).toFixed(1)}% of samples; self time by area:`,
    ...ranked(byArea).map(([name, hits]) => `  ${pct(hits)}  ${name}`),
    `heaviest functions (self time):`,
    ...ranked(byFunction).map(([name, hits]) => `  ${pct(hits)}  ${name}`),
    `Antara's functions with what they call (inclusive time):`,
    ...ranked(inclusive).map(([name, hits]) => `  ${pct(hits)}  ${name}`),
  ].join('\n');
}
