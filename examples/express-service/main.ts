/**
 * The Express example service.
 *
 *   node --import tsx examples/express-service/main.ts               # real AWS, settings from TIP_* env
 *   node --import tsx examples/express-service/main.ts --self-test   # emulator in process, checks, exit 0/1
 */
import { runExample } from './run.js';
import { startService } from './service.js';

runExample('express-service', startService);
