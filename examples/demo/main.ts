// `npm run demo`: the original README's walkthrough on this machine, in one command.
import { parseFramework } from '../client-app/example-app.ts';
import { demoAccounts, demoStaffAccount, startDemo } from './start-demo.ts';

let framework: ReturnType<typeof parseFramework>;
try {
  framework = parseFramework(process.env.FRAMEWORK);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const demo = await startDemo({
  framework,
  providerPort: Number(process.env.PROVIDER_PORT ?? 9000),
  clientPort: Number(process.env.PORT ?? 8000),
});

console.log(`
ssokit demo is running:
  SSO provider  ${demo.providerUrl}/
  client app    ${demo.clientUrl}/      (${framework}; open this one: its API key is bound to this host)

Demo accounts: ${demoAccounts.map((a) => `${a.username} / ${a.password}`).join(', ')}
Staff account: ${demoStaffAccount.username} / ${demoStaffAccount.password}  (admin pages: ${demo.providerUrl}/admin/)
Try: log in at the client (fresh login); or sign in at the provider first, then "Continue with
current user?" or "switch account" at the client.

Press Ctrl+C to stop.`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void demo.close().finally(() => process.exit(0));
  });
}
