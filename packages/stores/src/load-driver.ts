import { createRequire } from 'node:module';

// Drivers are optional peer dependencies: a user on PostgreSQL never installs better-sqlite3,
// a user on Redis never installs memjs. They are loaded when a URL asks for them.
const requireDriver = createRequire(import.meta.url);

/** Loads an optional driver package, or explains which package `purpose` needs. */
export function loadDriver<T>(name: string, purpose: string): T {
  try {
    return requireDriver(name) as T;
  } catch (cause) {
    throw new TypeError(`${purpose} needs the "${name}" package: npm install ${name}`, { cause });
  }
}
