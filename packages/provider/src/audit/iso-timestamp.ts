/**
 * `new Date(ms).toISOString()`, for a clock that moves forward: the text up to the seconds is
 * made once per second and the milliseconds appended. V8's `toISOString` formats through
 * snprintf (about 7k instructions a call under callgrind); the audit trail stamps three rows
 * per "continue as" login, which made it a fifth of the trail's cost (bench/, section
 * observability).
 */
export function isoTimestamps(): (ms: number) => string {
  let second = Number.NaN;
  let prefix = '';
  return (ms) => {
    const whole = Math.floor(ms / 1000);
    // Out of the four-digit years toISOString writes differently (`+275760-…`): no cache.
    if (!Number.isSafeInteger(ms) || ms < 0 || ms >= 253_402_300_800_000) return new Date(ms).toISOString();
    if (whole !== second) {
      second = whole;
      prefix = new Date(whole * 1000).toISOString().slice(0, 20);
    }
    const millis = ms - whole * 1000;
    return `${prefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
  };
}
