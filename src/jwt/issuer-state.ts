import type { KeySource } from './key-source.js';
import type { IssuerPolicy } from './options.js';

/** One configured issuer: its frozen policy and its own key source. */
export interface IssuerState {
  readonly policy: IssuerPolicy;
  readonly source: KeySource;
}
