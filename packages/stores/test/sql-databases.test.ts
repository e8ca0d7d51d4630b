import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { skipUnlessServiceRuns, testServiceUrls, testSqlDatabase } from '../src/testing/index.ts';

const folder = mkdtempSync(join(tmpdir(), 'ssokit-sql-'));
after(() => rmSync(folder, { recursive: true, force: true }));

testSqlDatabase('sqlite file', `sqlite:${join(folder, 'conformance.sqlite')}`);
testSqlDatabase('sqlite in memory', 'sqlite::memory:');
testSqlDatabase('postgres', testServiceUrls.postgres, { skip: await skipUnlessServiceRuns('postgres') });
testSqlDatabase('mariadb', testServiceUrls.mysql, { skip: await skipUnlessServiceRuns('mysql') });
