// Preload (`node --import`) that makes the packages named in TIP_HIDE_PACKAGES (comma-separated) look
// uninstalled, to both `import` (a module resolve hook) and `require` (Module._resolveFilename), with the
// errors Node itself raises for a package that is not installed.
import Module, { register } from 'node:module';

const hidden = (process.env.TIP_HIDE_PACKAGES ?? '').split(',').filter((name) => name.length > 0);
const hiddenPackage = (specifier) =>
  hidden.find((name) => specifier === name || specifier.startsWith(`${name}/`));

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (hiddenPackage(request) !== undefined) {
    const error = new Error(`Cannot find module '${request}'\nRequire stack:\n- ${parent?.filename ?? '?'}`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolveFilename.call(this, request, parent, ...rest);
};

register('./hide-packages-hooks.mjs', import.meta.url, { data: hidden });
