// TypeDoc plugin: documents each member of `TIP_ERROR_CODES` with its own description string, so the API
// reference lists every code with its meaning and a new code never needs a second, duplicate comment.
import { Comment, Converter, LiteralType, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const variable of context.project.getReflectionsByKind(ReflectionKind.Variable)) {
      if (variable.name !== 'TIP_ERROR_CODES') continue;
      const members = variable.type?.type === 'reflection' ? (variable.type.declaration.children ?? []) : [];
      for (const member of members) {
        if (member.hasComment() || !(member.type instanceof LiteralType)) continue;
        if (typeof member.type.value !== 'string') continue;
        member.comment = new Comment([{ kind: 'text', text: member.type.value }]);
      }
    }
  });
}
