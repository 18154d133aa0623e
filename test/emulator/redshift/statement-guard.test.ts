import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusal } from '../../../src/emulator/redshift/statement-guard.js';
import { assertUserStatementAllowed } from '../../../src/emulator/sql/guard.js';

function engineAllows(sql: string): boolean {
  try {
    assertUserStatementAllowed(sql);
    return true;
  } catch {
    return false;
  }
}

describe('Redshift statement guard', () => {
  it.each([
    ['merge into sales using x on true when matched then delete', 'MERGE statements'],
    ['grant select on sales to public', 'GRANT statements'],
    ['revoke select on sales from public', 'REVOKE statements'],
    ["comment on table sales is 'x'", 'COMMENT statements'],
    ['create schema evil', 'CREATE SCHEMA statements'],
    ['create sequence s', 'CREATE SEQUENCE statements'],
    ['create materialized view m as select 1', 'CREATE MATERIALIZED statements'],
    ['create or replace view v as select 1', 'CREATE OR statements'],
    ['drop schema public', 'DROP SCHEMA statements'],
    ['', 'This statements'],
    ['"select" 1', 'This statements'],
    ['vacuum', 'VACUUM statements'],
    ['frobnicate', 'FROBNICATE statements'],
  ])('refuses %j (%s), which the engine alone may allow', (sql, message) => {
    expect(refusal(sql)).toBe(`${message} are not permitted`);
  });

  it.each([
    'select 1',
    '(select 1)',
    '/* note */ with t as (select 1) select * from t',
    'create temp table t (n int)',
    'create table t (n int)',
    'create view v as select 1',
    'drop table t',
    'alter table t add column m int',
    'insert into t values (1)',
    'explain select 1',
  ])('lets %j through', (sql) => {
    expect(refusal(sql)).toBeUndefined();
  });

  it('never lets through a statement kind the engine refuses', () => {
    const word = fc.constantFrom(
      'select',
      'set',
      'reset',
      'create',
      'drop',
      'alter',
      'role',
      'function',
      'table',
      'begin',
      'commit',
      'do',
      'copy',
      'grant',
      'temp',
      'view',
      'schema',
    );
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (words) => {
        const sql = words.join(' ');
        // CREATE/ALTER/DROP objects are checked again by the engine itself when the batch runs.
        if (['create', 'alter', 'drop'].includes(words[0]!)) return;
        if (refusal(sql) === undefined) expect(engineAllows(sql)).toBe(true);
      }),
    );
  });
});
