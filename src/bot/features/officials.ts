/**
 * Officials: a press on a task button (s:<stepId>:<action>), /inbox, /case <id> and a case's audit
 * trail. Every press is checked in src/cases (role, institution, delegation, step still pending);
 * callback data is only a pointer, never trusted for identity or authority.
 */
import { Composer } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { mayReadTrail } from "../../cases/access";
import { act, auditRefusal, checkAccess } from "../../cases/act";
import { actionsFor } from "../../cases/actions";
import { cardFacts } from "../../cases/common";
import { inboxOf, learnerNameOf, trailFor, viewCase } from "../../cases/queries";
import { isActive } from "../../cases/states";
import { escapeHtml } from "../../i18n";
import { actResultText } from "../../messages/act-result";
import {
  caseTrail,
  inboxPage,
  MENU,
  openCase,
  stepAction,
  stepBack,
  stepConfirm,
} from "../../messages/callbacks";
import { dueLine, formatInstant } from "../../messages/format";
import { caseKeyboard, inboxKeyboard, inlineMarkup, stepConfirmKeyboard } from "../../messages/keyboards";
import { attachmentsLine, headBlocks } from "../../messages/task";
import { timelineText } from "../../messages/timeline";
import { loadCalendar } from "../../people/calendar-store";
import type { BotContext } from "../context";
import { OPEN_CASE_CONVERSATION } from "../conversations/open-case";
import { STEP_INPUT_CONVERSATION, type StepInputArgs } from "../conversations/step-input";
import { strangerOf } from "../middleware/identity";
import { replyFitted } from "../reply";
import { privateOnly } from "./private-only";

export const officialsFeature = new Composer<BotContext>();
// Issue 12.6: in a group, these commands and buttons only say "write to me in private".
officialsFeature.use(privateOnly);

officialsFeature.callbackQuery(stepAction.filter, async (ctx) => {
  const { stepId, action } = stepAction.unpack(ctx.callbackQuery.data)!;
  const { userId, official } = ctx.identity;
  const actor = { userId: userId ?? -1, officialId: official?.id ?? null };
  const stranger = strangerOf(ctx.identity); // a refusal is then counted as noise (issue 12.17)
  const now = ctx.deps.clock();
  const access = await checkAccess(ctx.deps.db, stepId, action, actor, now);
  if (access.status !== "ok") {
    // Refused or stale: recorded in the audit trail, nothing changes.
    await auditRefusal(ctx.deps.db, { stepId, action, actor, stranger }, access, now);
    return ctx.answerCallbackQuery({ text: actResultText(ctx.t, access, "toast"), show_alert: true });
  }
  if (access.inputs.length > 0) {
    // Issue 16: the answers would be asked in this chat, which the /open form holds: it is never dropped
    // for them; the official finishes it (or /cancel) and presses again.
    if (ctx.conversation.active()[OPEN_CASE_CONVERSATION])
      return ctx.answerCallbackQuery({ text: ctx.t("open.busy"), show_alert: true });
    await ctx.answerCallbackQuery();
    const args: StepInputArgs = {
      stepId,
      caseId: access.ctx.c.id,
      action,
      inputs: [...access.inputs],
      notBefore: access.notBefore,
      // D11: the learner's own answer, shown when personnel confirms or corrects it.
      conscriptSaid: access.ctx.c.conscriptServed,
    };
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(STEP_INPUT_CONVERSATION, args);
    return;
  }
  // Issue 14.7: a one-tap action changes the case for good, so it asks first, naming the case, the
  // learner and the action; Confirm (sc:) checks the press again, Back (sb:) records nothing.
  await ctx.answerCallbackQuery();
  const name = await learnerNameOf(ctx.deps.db, access.ctx.c);
  await ctx.reply(
    ctx.t("confirm.ask", {
      id: access.ctx.c.id,
      name: name ?? "—",
      step: ctx.t(`step.${access.step.key}`),
      action: ctx.t(`confirm.action_${action}`, { defaultValue: ctx.t(`btn.${action}`) }),
    }),
    {
      parse_mode: "HTML",
      protect_content: true,
      reply_markup: inlineMarkup(stepConfirmKeyboard(ctx.t, stepId, action)),
    },
  );
});

officialsFeature.callbackQuery(stepConfirm.filter, async (ctx) => {
  const { stepId, action } = stepConfirm.unpack(ctx.callbackQuery.data)!;
  const { userId, official } = ctx.identity;
  const actor = { userId: userId ?? -1, officialId: official?.id ?? null };
  const stranger = strangerOf(ctx.identity); // a refusal is then counted as noise (issue 12.17)
  const now = ctx.deps.clock();
  // The press is checked again: the step may have been done, the role handed over, the case closed.
  const access = await checkAccess(ctx.deps.db, stepId, action, actor, now);
  if (access.status !== "ok" || access.inputs.length > 0) {
    const refusal = access.status === "ok" ? ({ status: "not_allowed" } as const) : access;
    await auditRefusal(ctx.deps.db, { stepId, action, actor, stranger }, refusal, now);
    await ctx.editMessageReplyMarkup().catch(() => {});
    return ctx.answerCallbackQuery({ text: actResultText(ctx.t, refusal, "toast"), show_alert: true });
  }
  const result = await act(ctx.deps.db, { stepId, action, actor, stranger }, now);
  await ctx.answerCallbackQuery({ text: actResultText(ctx.t, result, "toast") });
  // The question becomes the outcome, without buttons (a second tap would find nothing to press).
  await ctx
    .editMessageText(actResultText(ctx.t, result), { parse_mode: "HTML" })
    .catch(() => ctx.editMessageReplyMarkup().catch(() => {}));
});

officialsFeature.callbackQuery(stepBack.filter, async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t("confirm.nothing_recorded") });
  await ctx
    .editMessageText(ctx.t("confirm.nothing_recorded"), { parse_mode: "HTML" })
    .catch(() => ctx.editMessageReplyMarkup().catch(() => {}));
});

officialsFeature.command("inbox", (ctx) => inbox(ctx, 0));
officialsFeature.callbackQuery(MENU.inbox, async (ctx) => {
  await ctx.answerCallbackQuery();
  await inbox(ctx, 0);
});
// ◀ ▶ under /inbox: the same message shows another page.
officialsFeature.callbackQuery(inboxPage.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await inbox(ctx, inboxPage.unpack(ctx.callbackQuery.data)!, true);
});

/** Steps per /inbox page (issue 12.4: a page of the worst size stays far below Telegram's limit). */
export const INBOX_PAGE_SIZE = 10;

/**
 * /inbox: the official's pending steps, overdue first, a page of INBOX_PAGE_SIZE at a time, each step a
 * button opening its case (c:<caseId>), ◀ ▶ (ib:<page>) to turn the pages in place.
 */
async function inbox(ctx: BotContext, requested: number, edit = false) {
  const official = ctx.identity.official;
  if (!official) return ctx.reply(ctx.t("inbox.not_official"));
  const now = ctx.deps.clock();
  const items = await inboxOf(ctx.deps.db, official, now);
  // A page turn edits the message in place; one too old to edit gets a new message instead.
  const show = (text: string, other?: { parse_mode: "HTML"; reply_markup?: InlineKeyboardMarkup }) =>
    edit
      ? ctx
          .editMessageText(text, other)
          .catch((err: unknown) =>
            /not modified/i.test(String((err as Error)?.message)) ? undefined : ctx.reply(text, other),
          )
      : ctx.reply(text, other);
  if (items.length === 0) return show(ctx.t("inbox.empty"));
  const pages = Math.ceil(items.length / INBOX_PAGE_SIZE);
  // The list may have shrunk since the page was shown: the last page that exists.
  const page = Math.min(Math.max(0, requested), pages - 1);
  const first = page * INBOX_PAGE_SIZE;
  const shown = items.slice(first, first + INBOX_PAGE_SIZE);
  const calendar = await loadCalendar(ctx.deps.db);
  const lines = shown.map((it, i) =>
    ctx.t("inbox.item", {
      n: first + i + 1,
      id: it.caseId,
      step: ctx.t(`step.${it.step.key}`),
      due: dueLine(ctx.t, it.step, now, calendar),
    }),
  );
  const kb = inboxKeyboard(
    ctx.t,
    shown.map((it) => it.caseId),
    first,
    page,
    pages,
  );
  const header = [
    ctx.t("inbox.header", { count: items.length }),
    ...(pages > 1 ? [ctx.t("paging.page", { page: page + 1, pages })] : []),
  ].join("\n");
  const text = [header, ...lines].join("\n\n");
  return show(text, { parse_mode: "HTML", reply_markup: inlineMarkup(kb) });
}

officialsFeature.command("case", async (ctx) => {
  const id = Number(ctx.match.trim());
  if (!Number.isInteger(id) || id <= 0) return ctx.reply(ctx.t("case.usage"));
  return showCase(ctx, id);
});
officialsFeature.callbackQuery(openCase.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  return showCase(ctx, openCase.unpack(ctx.callbackQuery.data)!);
});

/** A case's card and buttons; also opened by a deep link t.me/<bot>?start=case_<id> (src/bot/features/start.ts). */
export async function showCase(ctx: BotContext, id: number) {
  const official = ctx.identity.official;
  if (!official) return ctx.reply(ctx.t("inbox.not_official"));
  const now = ctx.deps.clock();
  const view = await viewCase(ctx.deps.db, { official, userId: ctx.identity.userId }, id, now);
  if (!view) return ctx.reply(ctx.t("case.not_found", { id }));
  const { cc, myRoles: mine } = view;
  // Buttons for the pending steps whose role this official holds today (own or delegated); the press
  // itself is checked again in src/cases, so these are only a convenience.
  const open = isActive(cc.c.state);
  // D4, D12: the report as stored, in the learner's language, then the timeline with the opinions (D6).
  const facts = await cardFacts(ctx.deps.db, cc);
  const kb = caseKeyboard(
    ctx.t,
    id,
    cc.steps
      .filter((s) => open && s.state === "pending" && mine.has(s.role))
      .map((s) => ({ stepId: s.id, actions: actionsFor(s.key, cc.c.ground) })),
    { documents: !cc.c.purgedAt, trail: mayReadTrail(ctx.identity), attachments: facts.attachments?.files },
  );
  // Issue 12.4: each may be long (the report, many opinions): split, never cut; the buttons go last.
  if (facts.report)
    await replyFitted(
      ctx,
      ctx.t("task.report", { version: facts.report.version, document: facts.report.document }),
      { protect_content: true },
    );
  const attached = attachmentsLine(ctx.t, facts.attachments);
  const text = [
    timelineText(ctx.t, cc, now, true),
    ...headBlocks(ctx.t, cc, facts, 500),
    ...(attached ? [attached] : []),
  ].join("\n\n");
  return replyFitted(ctx, text, { reply_markup: inlineMarkup(kb), protect_content: true });
}

officialsFeature.callbackQuery(caseTrail.filter, async (ctx) => {
  const id = caseTrail.unpack(ctx.callbackQuery.data)!;
  const trail = await trailFor(ctx.deps.db, ctx.identity, id);
  if (!trail) return ctx.answerCallbackQuery({ text: ctx.t("act.not_allowed"), show_alert: true });
  await ctx.answerCallbackQuery();
  const rows = trail.events;
  const names = trail.officialNames;
  // HTML, escaped exactly once (issue 12.13): a name here is raw; audit.on_behalf escapes its own values.
  const who = (r: (typeof rows)[number]) => {
    if (r.actorOfficialId) {
      const name = names.get(r.actorOfficialId) ?? `#${r.actorOfficialId}`;
      if (!r.onBehalfOfOfficialId) return escapeHtml(name);
      return ctx.t("audit.on_behalf", {
        name,
        of: names.get(r.onBehalfOfOfficialId) ?? `#${r.onBehalfOfOfficialId}`,
      });
    }
    if (!r.actorUserId) return ctx.t("audit.system");
    // Only the case's learner submits or withdraws; any other press by a non-official is someone else.
    return r.action.startsWith("case.") ? ctx.t("audit.learner") : ctx.t("audit.user", { id: r.actorUserId });
  };
  const lines = rows.map((r) =>
    ctx.t("case.trail_line", {
      at: formatInstant(r.at),
      action: ctx.t(`audit.${r.action}`, { defaultValue: escapeHtml(r.action) }),
      actor: who(r),
    }),
  );
  return replyFitted(ctx, [ctx.t("case.trail_header", { id }), ...lines.slice(-40)].join("\n"), {
    protect_content: true,
  });
});
