/**
 * DescribeStatement, GetStatementResult and GetStatementResultV2. Each first brings the statement up to
 * date with the emulator's clock (running its SQL when due).
 */
import type { EmulatorRuntime, OperationHandler } from '../core/types.js';
import { callerOf, type DataServiceState, ownStatement } from './data-state.js';
import { validation } from './data-input.js';
import { readPageToken, resultOf, resultPage } from './result-pages.js';
import { jsonReply } from './json-reply.js';
import { describeOutput } from './statement-view.js';

type Handler = OperationHandler<EmulatorRuntime>;

/** Handlers that read statements and their results. */
export function readHandlers(state: DataServiceState): Record<string, Handler> {
  return {
    async DescribeStatement(ctx) {
      const { statement, subIndex } = ownStatement(ctx, state, callerOf(ctx), ctx.input.Id);
      await state.executor.settle(statement, ctx.now);
      return describeOutput(statement, ctx.now, subIndex);
    },

    async GetStatementResult(ctx) {
      const { statement, subIndex, id } = ownStatement(ctx, state, callerOf(ctx), ctx.input.Id);
      await state.executor.settle(statement, ctx.now);
      if (statement.resultFormat === 'CSV') {
        throw validation('The statement ran with ResultFormat CSV: get its result with GetStatementResultV2');
      }
      const result = resultOf(statement, ctx.now, subIndex);
      const offset = readPageToken(state.tokenKey, id, ctx.input.NextToken);
      return jsonReply(resultPage(state.tokenKey, id, result, offset, state.pageSize, 'JSON'));
    },

    async GetStatementResultV2(ctx) {
      const { statement, subIndex, id } = ownStatement(ctx, state, callerOf(ctx), ctx.input.Id);
      await state.executor.settle(statement, ctx.now);
      if (statement.resultFormat !== 'CSV') {
        throw validation('GetStatementResultV2 returns CSV results: run the statement with ResultFormat CSV');
      }
      const result = resultOf(statement, ctx.now, subIndex);
      const offset = readPageToken(state.tokenKey, id, ctx.input.NextToken);
      return resultPage(state.tokenKey, id, result, offset, state.pageSize, 'CSV');
    },
  };
}
