/**
 * The answers an official gives for a step (an interview date, a reason, an order number and date, a sum,
 * the learner's conscript service confirmed from the personal file): asked in their chat, validated, then
 * the action is recorded. /cancel stops it; pressing another button or command leaves this conversation
 * and lets that update through.
 */
import type { Conversation } from "@grammyjs/conversations";
import { act, validateInput } from "../../cases/act";
import type { InputKind } from "../../cases/actions";
import { isInvalid } from "../../cases/validate";
import { actResultText } from "../../messages/act-result";
import { stepAction, stepChoice } from "../../messages/callbacks";
import { inlineMarkup, stepChoiceKeyboard } from "../../messages/keyboards";
import { localDateOf } from "../../rules";
import type { BotContext, ConvContext } from "../context";
import { strangerOf } from "../middleware/identity";

export const STEP_INPUT_CONVERSATION = "stepInput";

export interface StepInputArgs {
  stepId: number;
  caseId: number;
  action: string;
  inputs: InputKind[];
  notBefore: string;
  /** D11: what the learner said about conscript service (shown when personnel confirms it). */
  conscriptSaid?: boolean;
}

/** Button answers (src/messages/callbacks.ts stepChoice) for inputs chosen rather than typed. */
const CHOICES: Partial<Record<InputKind, readonly string[]>> = { conscript: ["yes", "no"] };

type Conv = Conversation<BotContext, ConvContext>;
type Ask = (x: ConvContext, error?: string) => Promise<unknown>;

export async function stepInputConversation(conversation: Conv, ctx: ConvContext, args: StepInputArgs) {
  const values: Record<string, string> = {};
  let c = ctx;
  for (const kind of args.inputs) {
    const answer = await readInput(conversation, c, args, kind);
    c = answer.c;
    values[kind] = answer.value;
  }
  const result = await conversation.external((outer) =>
    act(
      outer.deps.db,
      {
        stepId: args.stepId,
        action: args.action,
        actor: { userId: outer.identity.userId!, officialId: outer.identity.official?.id ?? null },
        input: values,
        stranger: strangerOf(outer.identity),
      },
      outer.deps.clock(),
    ),
  );
  await c.reply(actResultText(c.t, result), { parse_mode: "HTML" });
}

/**
 * Asks for one input until a valid answer comes; returns it with the update that brought it. The waits and
 * external calls are those of a replayed conversation: their order and number must not change without
 * bumping CONVERSATION_VERSION.
 */
async function readInput(
  conversation: Conv,
  first: ConvContext,
  args: StepInputArgs,
  kind: InputKind,
): Promise<{ c: ConvContext; value: string }> {
  const choices = CHOICES[kind];
  const ask: Ask = (x, error) => {
    const question = x.t(`ask.${args.action}_${kind}`, {
      id: args.caseId,
      said: x.t(args.conscriptSaid ? "conscript.said_yes" : "conscript.said_no"),
    });
    const text = error ? `${error}\n\n${question}` : question;
    if (!choices) return x.reply(text);
    return x.reply(text, { reply_markup: inlineMarkup(stepChoiceKeyboard(x.t, choices)) });
  };
  await ask(first);
  for (;;) {
    const c = await conversation.wait();
    const value = await answerOf(conversation, c, args, kind, ask);
    if (value !== undefined) return { c, value };
  }
}

/** The valid answer an update brings, or undefined after asking again; leaves when the official moved on. */
async function answerOf(
  conversation: Conv,
  c: ConvContext,
  args: StepInputArgs,
  kind: InputKind,
  ask: Ask,
): Promise<string | undefined> {
  const choices = CHOICES[kind];
  const data = c.callbackQuery?.data;
  const choice = stepChoice.unpack(data);
  if (choices && choice !== null) {
    await c.answerCallbackQuery().catch(() => {});
    await c.editMessageReplyMarkup().catch(() => {});
    if (choices.includes(choice)) return choice;
    await ask(c, c.t("invalid.use_buttons"));
    return undefined;
  }
  if (c.callbackQuery || c.message?.text?.startsWith("/")) {
    // The official moved on: let the button or command be handled, but say (issue 14.8) that the
    // question was set aside and how to get back to it, so a later typed answer is not lost unknowingly.
    // Pressing this step's own button again simply asks again.
    if (data !== stepAction.pack(args.stepId, args.action)) {
      await c
        .reply(c.t("pending.set_aside", { id: args.caseId, button: c.t(`btn.${args.action}`) }), {
          parse_mode: "HTML",
        })
        .catch(() => {});
    }
    await conversation.halt({ next: true });
  }
  const text = c.message?.text;
  if (text === undefined || choices) {
    await ask(c, c.t(choices ? "invalid.use_buttons" : "invalid.not_text"));
    return undefined;
  }
  const today = localDateOf(new Date(await conversation.external((outer) => outer.deps.clock().getTime())));
  const v = validateInput(kind, text, today, args.notBefore);
  if (isInvalid(v)) {
    await ask(c, c.t(v.key, v.params));
    return undefined;
  }
  return v;
}
