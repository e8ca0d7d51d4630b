// Run before better-sqlite3 is installed: the default user storage is a SQLite database.
import { ssoClient } from 'ssokit/express';

try {
  ssoClient({
    providerUrl: 'http://localhost:9000',
    apiKey: 'f4a05287',
    secretKey: '6a4eeaea54d54f51af703e79c6096d51',
    userStorage: 'database',
    logger: { info() {}, warn() {}, error() {} },
  });
  console.log('no error');
} catch (error) {
  console.log(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}
