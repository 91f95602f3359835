import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { inDistricts, inIntegers } from './sql-lists.js';

const render = (condition: Parameters<PgDialect['sqlToQuery']>[0]) => new PgDialect().sqlToQuery(condition);

describe('id lists written into SQL', () => {
  it('writes integers only, and an empty list as false', () => {
    expect(render(inIntegers('n.id', [3, 4.7, -1e12]))).toEqual({
      sql: 'n.id in (3,4,-1000000000000)',
      params: [],
    });
    expect(render(inIntegers('n.id', []))).toEqual({ sql: 'false', params: [] });
  });

  it('reads every district as true', () => {
    expect(render(inDistricts('f.district_id', 'all')).sql).toBe('true');
    expect(render(inDistricts('f.district_id', [])).sql).toBe('false');
    expect(render(inDistricts('f.district_id', [2, 5])).sql).toBe('f.district_id in (2,5)');
  });
});
