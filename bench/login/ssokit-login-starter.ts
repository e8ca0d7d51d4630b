import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunningLoginSystem } from './login-flow.ts';

/**
 * The ssokit login system's starter, or undefined while the provider or the client package
 * cannot serve a login yet (the bench then reports the baseline alone).
 */
export async function ssokitLoginStarter(): Promise<(() => Promise<RunningLoginSystem>) | undefined> {
  const systemFile = new URL('./ssokit-login-system.ts', import.meta.url);
  if (!existsSync(fileURLToPath(systemFile))) return undefined;
  const loaded = (await import(systemFile.href)) as {
    startSsokitLoginSystem?: () => Promise<RunningLoginSystem>;
  };
  return loaded.startSsokitLoginSystem;
}
