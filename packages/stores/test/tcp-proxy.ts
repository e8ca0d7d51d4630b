// Kept for the stores' own tests; the proxy lives in @ssokit/stores/testing.
export { type TcpProxy, tcpProxy } from '../src/testing/tcp-proxy.ts';
