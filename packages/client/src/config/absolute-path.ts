/**
 * The one rule for the paths an app configures (callback, default redirect, login, logout):
 * starts with "/", not "//" (a host to a browser), no query, fragment, whitespace or "\".
 */
export const ABSOLUTE_PATH = /^\/(?!\/)[^\s?#\\]*$/;

/** What {@link ABSOLUTE_PATH} demands, for error messages naming the option. */
export const ABSOLUTE_PATH_RULE = 'must be a path starting with "/" (no query, no "//", no spaces)';

/** Throws a `TypeError` naming the option unless the path follows {@link ABSOLUTE_PATH}. */
export function assertAbsolutePath(option: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || !ABSOLUTE_PATH.test(path)) {
    throw new TypeError(`client.${option} ${ABSOLUTE_PATH_RULE}`);
  }
}
