import fs from 'node:fs';
import { ERROR_CODES } from '@antara/protocol';
import { describe, expect, it } from 'vitest';

const DOC = new URL('../../../docs/errors.md', import.meta.url);

/** The rows of the table in docs/errors.md whose first cell is a `code`. */
function documentedRows(): Array<{ code: string; status: number; cells: string[] }> {
  return fs
    .readFileSync(DOC, 'utf8')
    .split('\n')
    .filter((line) => /^\|\s*`[a-z_]+`\s*\|/.test(line))
    .map((line) => {
      const cells = line
        .slice(1, line.trimEnd().endsWith('|') ? line.trimEnd().length - 1 : undefined)
        .split('|')
        .map((cell) => cell.trim());
      return { code: cells[0]!.replaceAll('`', ''), status: Number(cells[1]), cells };
    });
}

describe('docs/errors.md', () => {
  it('documents exactly the codes of the registry', () => {
    const documented = documentedRows().map((row) => row.code);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('gives every code the HTTP status the server sends', () => {
    const statuses = Object.fromEntries(documentedRows().map((row) => [row.code, row.status]));
    const registry = Object.fromEntries(
      Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]),
    );
    expect(statuses).toEqual(registry);
  });

  it('says for every code what it means and what to do', () => {
    for (const row of documentedRows()) {
      expect(row.cells, row.code).toHaveLength(4);
      expect(row.cells[2]!.length, `meaning of ${row.code}`).toBeGreaterThan(10);
      expect(row.cells[3]!.length, `what to do about ${row.code}`).toBeGreaterThan(5);
    }
  });
});
