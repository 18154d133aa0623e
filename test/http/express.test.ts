import { adapterSuite } from './adapter-suite.js';
import { startExpress } from './servers.js';

adapterSuite('Express', startExpress);
