/**
 * `tip-sdk/testing`: the tip-sdk emulator as msw 2 request handlers, for unit tests without a port, and
 * configuration fixtures. Needs the optional peer dependency `msw` (2.x).
 *
 * @packageDocumentation
 */
export { createEmulatorHandlers } from './testing/create-handlers.js';
export type {
  EmulatorHandlers,
  EmulatorHandlersOptions,
  TestClientConfig,
} from './testing/create-handlers.js';
export type { TestTokenOptions } from './emulator/idp/mint-token.js';
export { defineEmulatorConfig, demoEmulatorConfig, DEMO } from './testing/demo-config.js';
export type { DemoConfigOptions } from './testing/demo-config.js';
export { parseAwsHost, pathStylePath } from './emulator/core/aws-hosts.js';
export type { AwsHost, AwsHostService } from './emulator/core/aws-hosts.js';
export type { EmulatorConfigInput } from './emulator/config/types.js';
