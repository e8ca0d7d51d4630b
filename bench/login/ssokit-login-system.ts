import { fileURLToPath } from 'node:url';
import { nextMessage, spawnPinned, spawnUnderCallgrind, stopChild } from '../lib/child-process.ts';
import type { ClientStoreKind, ClientStoreNames } from '../ssokit/client-stores.ts';
import { dropClientStores } from '../ssokit/drop-client-stores.ts';
import { assertSignedInAtClient, loginAtClient, signInAtProvider } from '../ssokit/ssokit-browser-flows.ts';
import type { BenchFramework } from '../ssokit/ssokit-framework-apps.ts';
import { uniqueStoreNames } from '../ssokit/unique-names.ts';
import { type ProcessWrapper, type TwoProcessLoginSystem, unwrapped } from './login-flow.ts';
import type { SsokitClientServerConfig } from './ssokit-client-server.ts';
import type { SsokitProviderServerConfig } from './ssokit-provider-server.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface SsokitLoginSystemOptions {
  /** The client app's stores. @default 'memory' */
  clientStores?: ClientStoreKind;
  /** Unique names of the client's stores. @default fresh ones */
  names?: ClientStoreNames;
  /** The provider's accounts and stores. @default everything in memory */
  provider?: SsokitProviderServerConfig;
  /** Leave the client's stores in place at stop (the caller seeded and drops them). @default false */
  keepStores?: boolean;
  /** The cores the two processes are pinned to. @default client 0, provider 1 */
  cores?: { client: number; provider: number };
  /**
   * Runs the provider under valgrind's callgrind, counting nothing until told
   * (`callgrind_control --instr=on`), its dumps and log in this directory (unpinned).
   */
  providerUnderCallgrind?: string;
  /** The client app's adapter. @default 'express' */
  framework?: BenchFramework;
  /** What each process runs under (callgrind). @default nothing */
  wrap?: ProcessWrapper;
}

/** ssokit: the provider and a client app, each in its own process pinned to a core of its own. */
export async function startSsokitLoginSystem(
  options: SsokitLoginSystemOptions = {},
): Promise<TwoProcessLoginSystem> {
  const kind = options.clientStores ?? 'memory';
  const names = options.names ?? uniqueStoreNames(`login_${kind}`);
  const framework = options.framework ?? 'express';
  const clientConfig: SsokitClientServerConfig = {
    kind,
    names,
    framework,
    // Under valgrind the provider is about 50x slower: a call may take seconds.
    ...(options.providerUnderCallgrind === undefined && options.wrap === undefined
      ? {}
      : { timeoutMs: 60_000 }),
  };
  const wrap = options.wrap ?? unwrapped;
  // Under valgrind start-up (tsx compiling the sources) takes minutes on a busy machine.
  const startTimeoutMs =
    options.wrap === undefined && options.providerUnderCallgrind === undefined ? 60_000 : 600_000;
  // Both start at once; the provider registers the client app once the app listens.
  const cores = options.cores ?? { client: 0, provider: 1 };
  const client = spawnPinned(
    here('./ssokit-client-server.ts'),
    [JSON.stringify(clientConfig)],
    cores.client,
    wrap('client').nodeOptions,
    wrap('client').command,
  );
  const providerConfig: SsokitProviderServerConfig = options.provider ?? {};
  const provider =
    options.providerUnderCallgrind === undefined
      ? spawnPinned(
          here('./ssokit-provider-server.ts'),
          [JSON.stringify(providerConfig)],
          cores.provider,
          wrap('provider').nodeOptions,
          wrap('provider').command,
        )
      : spawnUnderCallgrind(
          here('./ssokit-provider-server.ts'),
          [JSON.stringify(providerConfig)],
          options.providerUnderCallgrind,
        );
  const stopBoth = () => Promise.all([stopChild(provider), stopChild(client)]);
  try {
    const [{ url: clientBase }, { url: providerBase }] = await Promise.all([
      nextMessage<{ type: 'listening'; url: string }>(client, 'listening', startTimeoutMs),
      nextMessage<{ type: 'ready'; url: string }>(provider, 'ready', startTimeoutMs),
    ]);
    const clientUrl = new URL(clientBase);
    provider.send({ type: 'register-client', host: clientUrl.host });
    await nextMessage(provider, 'client-registered', startTimeoutMs);
    client.send({ type: 'configure', providerUrl: providerBase });
    await nextMessage(client, 'ready', startTimeoutMs);
    const providerUrl = new URL(providerBase);
    return {
      name: `ssokit (${framework})`,
      processes: { provider, client },
      clientOrigin: clientUrl,
      async signIn(browser, account) {
        await signInAtProvider(browser, providerUrl, account);
        await loginAtClient(browser, clientUrl, 'continue-as', account);
      },
      continueAs: (browser, account) => loginAtClient(browser, clientUrl, 'continue-as', account),
      passwordLogin: (browser, account) => loginAtClient(browser, clientUrl, 'password', account),
      assertSignedIn: (browser, account) => assertSignedInAtClient(browser, clientUrl, account),
      async stop() {
        await stopBoth();
        if (options.keepStores !== true) await dropClientStores(kind, names);
      },
    };
  } catch (error) {
    await stopBoth();
    throw error;
  }
}
