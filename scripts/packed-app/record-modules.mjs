// node --import ./record-modules.mjs …: appends the URL of every module the process resolves to
// the file named by RECORD_MODULES, one per line (to see what a command loads).
import { register } from 'node:module';

register('./record-modules-hooks.mjs', import.meta.url, { data: { file: process.env.RECORD_MODULES } });
