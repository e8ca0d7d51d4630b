// A CommonJS TypeScript file: `import` compiles to require(), which loads the ES modules on
// Node 20.19+; TypeScript allows it under module node20/nodenext (5.8+).
import { signRequest } from '@ssokit/protocol';
import { ssoClient } from 'ssokit/express';

export const handler = ssoClient({
  providerUrl: 'https://sso.example.com',
  apiKey: 'f4a05287',
  secretKey: '6a4eeaea54d54f51af703e79c6096d51',
  // @ts-expect-error: a misspelled option must be a type error here too.
  sesionStore: 'database',
});
export const path: string = signRequest({ apiKey: 'k', secretKey: 's', path: '/x/' }).pathWithQuery;
