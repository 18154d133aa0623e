import { adapterSuite } from './adapter-suite.js';
import { startFastify } from './servers.js';

adapterSuite('Fastify', startFastify);
