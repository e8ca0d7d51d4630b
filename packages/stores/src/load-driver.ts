import { createRequire } from 'node:module';

// Drivers are optional peer dependencies: a user on PostgreSQL never installs better-sqlite3,
// a user on Redis never installs memjs. They are loaded when a URL asks for them.
const requireDriver = createRequire(import.meta.url);

/** True when `error` says that `name` itself is not installed (not one of its dependencies). */
function isNotInstalled(error: unknown, name: string): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    error.code === 'MODULE_NOT_FOUND' &&
    error.message.split('\n', 1)[0] === `Cannot find module '${name}'`
  );
}

/**
 * Loads an optional driver package. When it is not installed, a TypeError says what needs it
 * (`purpose`) and the command that installs it. A driver that is installed but fails to load
 * (a native addon built for another Node version, a dependency of its own missing) throws its
 * own error: telling that user to install the driver would send them the wrong way.
 */
export function loadDriver<T>(name: string, purpose: string, load: NodeJS.Require = requireDriver): T {
  try {
    return load(name) as T;
  } catch (cause) {
    if (!isNotInstalled(cause, name)) throw cause;
    throw new TypeError(
      `${purpose} needs the "${name}" package, which is not installed; install ${name}: npm install ${name}`,
      { cause },
    );
  }
}
