/**
 * An additional task of a report (нэмэлт үүрэг даалгавар): its title, result and
 * completion, asked one after another and saved through the report service.
 */
import { NARRATIVE_MAX, validateCompletion } from "../../reporting/parse.js";
import type { TaskView } from "../../reporting/report-view.js";
import { percent, short } from "../features/reporting-format.js";
import type { Kit } from "./kit.js";
import { askInput, asCheck, attempt, inWords, isRetryable } from "./report-input.js";

/**
 * Asks a task's title, result and completion (showing the current values when changing
 * one). Returns the saved task, or the navigation that ended it.
 */
export async function taskFlow(
  kit: Kit,
  reportId: number,
  existing: TaskView | null,
): Promise<{ task: TaskView } | { nav: "back" | "leave" | "cancel" } | { stop: true }> {
  const t = kit.t;
  let title = existing?.title ?? "";
  let result: string | null = existing?.result ?? null;
  let completion: number | null = existing?.completion ?? null;
  let step: "title" | "result" | "completion" = "title";
  for (;;) {
    if (step === "title") {
      const prompt = existing
        ? `${t("reportingBot:task.askTitle")}\n${t("reportingBot:task.current", { value: short(title, 300) })}`
        : t("reportingBot:task.askTitle");
      const a = await kit.askText(prompt, {
        max: 1000,
        nav: ["back", "leave", "cancel"],
        validate: inWords,
      });
      if (a.nav === "back" || a.nav === "skip") return { nav: "back" };
      if (a.nav) return { nav: a.nav };
      title = a.value;
      step = "result";
    } else if (step === "result") {
      const prompt =
        existing && result
          ? `${t("reportingBot:task.askResult")}\n${t("reportingBot:task.current", { value: short(result, 300) })}`
          : t("reportingBot:task.askResult");
      const a = await kit.askText(prompt, {
        max: NARRATIVE_MAX,
        nav: ["back", "skip", "leave", "cancel"],
        validate: inWords,
      });
      if (a.nav === "back") {
        step = "title";
        continue;
      }
      if (a.nav === "leave" || a.nav === "cancel") return { nav: a.nav };
      if (!a.nav) result = a.value;
      step = "completion";
    } else {
      const a = await askInput(kit, t("reportingBot:task.askCompletion"), {
        nav: ["back", "skip", "leave", "cancel"],
        options: [{ label: t("reportingBot:button.suggested", { value: 100 }), value: "100" }],
        parse: (text) => asCheck(validateCompletion(text)),
      });
      if (a.nav === "back") {
        step = "result";
        continue;
      }
      if (a.nav === "leave" || a.nav === "cancel") return { nav: a.nav };
      if (!a.nav) completion = a.value.option === "100" ? 100 : (a.value.text as number);
      const input = { title, result, completion };
      const res = await attempt(() =>
        kit.call((s) =>
          existing
            ? s.reporting.reports.updateTask(kit.actor, existing.id, input)
            : s.reporting.reports.addTask(kit.actor, reportId, input),
        ),
      );
      if (!res.ok) {
        await kit.say(t(res.error.key, res.error.params));
        if (isRetryable(res.error)) {
          step = "title";
          continue;
        }
        return { stop: true };
      }
      await kit.say(
        t(existing ? "reportingBot:task.updated" : "reportingBot:task.added", {
          title: short(res.value.title, 200),
          completion: percent(res.value.completion),
        }),
      );
      return { task: res.value };
    }
  }
}
