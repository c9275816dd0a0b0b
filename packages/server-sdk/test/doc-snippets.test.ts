import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SDK_SOURCES = ['packages/web-sdk/src', 'packages/server-sdk/src'];
/** Markdown whose ```ts blocks are integrator-facing samples; each must compile as its own module. */
const DOCS = [
  'packages/web-sdk/README.md',
  'packages/server-sdk/README.md',
  'examples/demo-app/README.md',
  'docs/quickstart.md',
  'docs/sdk-quickstart.md',
];

interface Snippet {
  /** Where it came from, for the failure message: file and line. */
  origin: string;
  /** A virtual .ts file beside the document, so imports resolve through the workspace. */
  fileName: string;
  code: string;
}

const FENCE = /^```(?:ts|typescript)\s*\n([\s\S]*?)^```/gm;

function snippetsIn(relative: string): Snippet[] {
  const absolute = path.join(ROOT, relative);
  if (!fs.existsSync(absolute)) return [];
  let text = fs.readFileSync(absolute, 'utf8');
  if (relative.endsWith('.ts')) {
    // JSDoc: keep the comment bodies, without their leading " * ", line for line.
    text = text
      .split('\n')
      .map((line) => (/^\s*\*(?!\/)/.test(line) ? line.replace(/^\s*\* ?/, '') : ''))
      .join('\n');
  }
  const snippets: Snippet[] = [];
  for (const match of text.matchAll(FENCE)) {
    const line = text.slice(0, match.index).split('\n').length + 1;
    snippets.push({
      origin: `${relative}:${line}`,
      fileName: path.join(path.dirname(absolute), `__snippet_${path.basename(relative)}_${line}.ts`),
      // Why `export {}`: every sample is a module of its own, so top-level await works and
      // names never clash between samples.
      code: `${match[1]}\nexport {};\n`,
    });
  }
  return snippets;
}

function sdkSourceFiles(): string[] {
  return SDK_SOURCES.flatMap((dir) =>
    fs
      .readdirSync(path.join(ROOT, dir))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `${dir}/${name}`),
  );
}

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: ['node'],
  customConditions: ['@antara/source'],
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  noEmit: true,
};

function compile(snippets: Snippet[]): string[] {
  const virtual = new Map(snippets.map((s) => [s.fileName, s]));
  const host = ts.createCompilerHost(OPTIONS);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(name)?.code ?? readFile.call(host, name);
  host.getSourceFile = (name, language, ...rest) => {
    const snippet = virtual.get(name);
    return snippet
      ? ts.createSourceFile(name, snippet.code, language, true)
      : getSourceFile.call(host, name, language, ...rest);
  };
  const program = ts.createProgram([...virtual.keys()], OPTIONS, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && virtual.has(d.file.fileName))
    .map((d) => {
      const snippet = virtual.get(d.file?.fileName ?? '');
      const { line } = d.file?.getLineAndCharacterOfPosition(d.start ?? 0) ?? { line: 0 };
      return `${snippet?.origin} (+${line}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('code samples integrators copy', () => {
  it('every ```ts sample in the SDK READMEs, the quick start and the SDK JSDoc type-checks', () => {
    const snippets = [...DOCS, ...sdkSourceFiles()].flatMap(snippetsIn);
    const perDocument = (file: string) => snippets.filter((s) => s.origin.startsWith(`${file}:`)).length;
    // The check must check something: each README and source file has samples.
    expect(perDocument('packages/web-sdk/README.md')).toBeGreaterThan(0);
    expect(perDocument('packages/server-sdk/README.md')).toBeGreaterThan(0);
    expect(perDocument('packages/server-sdk/src/antara-server.ts')).toBeGreaterThan(5);
    expect(perDocument('docs/quickstart.md')).toBeGreaterThan(1);
    expect(perDocument('docs/sdk-quickstart.md')).toBeGreaterThan(4);
    expect(perDocument('examples/demo-app/README.md')).toBeGreaterThan(0);
    expect(compile(snippets)).toEqual([]);
  });

  it('a sample with a wrong call is caught (the check is not vacuous)', () => {
    const broken: Snippet = {
      origin: 'inline:1',
      fileName: path.join(ROOT, 'packages/server-sdk/__snippet_broken.ts'),
      code: "import { AntaraServer } from '@antara/server-sdk';\nawait new AntaraServer({ apiKey: 'antara_live_x' }).send({ slug: 'x', mesage: 'typo' });\nexport {};\n",
    };
    const errors = compile([broken]);
    expect(errors.join('\n')).toMatch(/inline:1 \(\+1\)/);
  });
});

describe('the SDKs document every export', () => {
  for (const entry of ['packages/web-sdk/src/index.ts', 'packages/server-sdk/src/index.ts']) {
    it(`${entry}: values and public methods carry an @example, types a doc comment`, () => {
      const program = ts.createProgram([path.join(ROOT, entry)], OPTIONS);
      const checker = program.getTypeChecker();
      const module = checker.getSymbolAtLocation(program.getSourceFile(path.join(ROOT, entry)) as ts.Node);
      const missing: string[] = [];
      const hasExample = (symbol: ts.Symbol) =>
        symbol.getJsDocTags(checker).some((t) => t.name === 'example');
      const hasDoc = (symbol: ts.Symbol) => symbol.getDocumentationComment(checker).length > 0;
      for (const exported of checker.getExportsOfModule(module as ts.Symbol)) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const isValue = (symbol.flags & ts.SymbolFlags.Value) !== 0;
        if (isValue ? !hasExample(symbol) : !hasDoc(symbol)) missing.push(exported.name);
        if (!(symbol.flags & ts.SymbolFlags.Class)) continue;
        const instance = checker.getDeclaredTypeOfSymbol(symbol);
        for (const member of instance.getProperties()) {
          const declaration = member.valueDeclaration;
          const isMethod = (member.flags & ts.SymbolFlags.Method) !== 0;
          const ownMember = declaration?.parent === symbol.valueDeclaration;
          if (isMethod && ownMember && !member.name.startsWith('#') && !hasExample(member)) {
            missing.push(`${exported.name}.${member.name}`);
          }
        }
      }
      expect(missing).toEqual([]);
    });
  }
});
