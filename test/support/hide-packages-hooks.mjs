// The module resolve hook of hide-packages.mjs: hidden packages fail as Node fails for a missing one.
import { fileURLToPath } from 'node:url';

let hidden = [];

export function initialize(data) {
  hidden = data;
}

export async function resolve(specifier, context, next) {
  const name = hidden.find((h) => specifier === h || specifier.startsWith(`${h}/`));
  if (name !== undefined) {
    const from = context.parentURL?.startsWith('file:')
      ? fileURLToPath(context.parentURL)
      : context.parentURL;
    const error = new Error(`Cannot find package '${name}' imported from ${from}`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}
