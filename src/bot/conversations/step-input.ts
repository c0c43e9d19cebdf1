/**
 * Free-text answers an official gives for a step (an interview date, a reason, an order number and
 * date): asked in their chat, validated, then the action is recorded. /cancel stops it; pressing another
 * button or command leaves this conversation and lets that update through.
 */
import type { Conversation } from "@grammyjs/conversations";
import { act, validateInput } from "../../cases/act";
import type { InputKind } from "../../cases/actions";
import { isInvalid } from "../../cases/validate";
import { localDateOf } from "../../rules";
import type { BotContext, ConvContext } from "../context";
import { replyActResult } from "../features/officials-render";

export const STEP_INPUT_CONVERSATION = "stepInput";

export interface StepInputArgs {
  stepId: number;
  caseId: number;
  action: string;
  inputs: InputKind[];
  notBefore: string;
}

export async function stepInputConversation(
  conversation: Conversation<BotContext, ConvContext>,
  ctx: ConvContext,
  args: StepInputArgs,
) {
  const values: Record<string, string> = {};
  let c = ctx;
  for (const kind of args.inputs) {
    await c.reply(c.t(`ask.${args.action}_${kind}`, { id: args.caseId }));
    for (;;) {
      c = await conversation.wait();
      if (c.callbackQuery || c.message?.text?.startsWith("/")) {
        // The official moved on: leave quietly and let the button or command be handled.
        await conversation.halt({ next: true });
      }
      const text = c.message?.text;
      if (text === undefined) {
        await c.reply(c.t("invalid.not_text"));
        continue;
      }
      const today = localDateOf(
        new Date(await conversation.external((outer) => outer.deps.clock().getTime())),
      );
      const v = validateInput(kind, text, today, args.notBefore);
      if (isInvalid(v)) {
        await c.reply(`${c.t(v.key, v.params)}\n\n${c.t(`ask.${args.action}_${kind}`, { id: args.caseId })}`);
        continue;
      }
      values[kind] = v;
      break;
    }
  }
  const result = await conversation.external((outer) =>
    act(
      outer.deps.db,
      {
        stepId: args.stepId,
        action: args.action,
        actor: { userId: outer.identity.userId!, officialId: outer.identity.official?.id ?? null },
        input: values,
      },
      outer.deps.clock(),
    ),
  );
  await replyActResult(c, result, (text) => c.reply(text, { parse_mode: "HTML" }));
}
