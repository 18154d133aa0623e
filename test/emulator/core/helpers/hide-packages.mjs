// Registers a resolve hook that makes the packages named in TIP_HIDE_PACKAGES (comma-separated) look
// uninstalled, as on a machine that installed tip-sdk without its optional peers.
import { register } from 'node:module';

register('./hide-packages-hooks.mjs', import.meta.url);
