import { randomBytes } from 'node:crypto';
import { testServiceUrls } from '@ssokit/stores/testing';
import mysql from 'mysql2/promise';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres' | 'mysql';

export interface TemporaryDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file, on the shared PostgreSQL or MariaDB server, so
 * suites running beside it (other packages, other helpers) never see its tables.
 */
export async function temporaryDatabase(dialect: Dialect): Promise<TemporaryDatabase> {
  const name = `ssokit_provider_t_${randomBytes(6).toString('hex')}`;
  if (dialect === 'sqlite') return { url: 'sqlite::memory:', drop: async () => {} };
  if (dialect === 'postgres') {
    const admin = new pg.Client({ connectionString: testServiceUrls.postgres });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(testServiceUrls.postgres);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      async drop() {
        const client = new pg.Client({ connectionString: testServiceUrls.postgres });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const admin = await mysql.createConnection({ uri: testServiceUrls.mysql });
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  await admin.end();
  const url = new URL(testServiceUrls.mysql);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = await mysql.createConnection({ uri: testServiceUrls.mysql });
      await client.query(`DROP DATABASE IF EXISTS ${name}`);
      await client.end();
    },
  };
}
