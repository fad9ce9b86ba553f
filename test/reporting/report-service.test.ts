import { beforeEach, describe, expect, it, vi } from "vitest";
import { directSqlOf } from "../../src/db/direct.js";
import { reportAt } from "../../src/reporting/report-reads.js";
import { ReportService } from "../../src/reporting/report-service.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { caught, createPlan, MIXED_PLAN, notificationsOf, seedWorld, type World } from "./fixtures.js";

describe("reports", () => {
  const db = useTestDatabase();
  let w: World;
  let clock: ManualClock;
  let reports: ReportService;
  let m: Record<string, number>;

  beforeEach(async () => {
    const { prisma } = db();
    w = await seedWorld(prisma);
    clock = new ManualClock("2026-06-05T02:00:00Z");
    reports = new ReportService({ prisma, clock });
    const plan = await createPlan(prisma, w.orgId, w.people.official, 2026, MIXED_PLAN);
    m = Object.fromEntries(plan.goals.flatMap((g) => g.measures.map((x) => [x.number, x.id])));
  });

  it("opens the current period with the measures due in it, once", async () => {
    const report = await reports.openReport(w.actors.official);
    expect(report).toMatchObject({
      status: "DRAFT",
      personName: "Н.Вансэмбэрүү",
      unitName: "Төрийн захиргааны удирдлагын хэлтэс",
      planVersion: 1,
      total: 6,
      answered: 0,
      firstUnansweredIndex: 0,
      deadlinePassed: false,
      editable: true,
      returnComment: null,
      overallCompletion: null,
    });
    expect(report.period).toMatchObject({
      kind: "H1",
      year: 2026,
      deadline: "2026-06-15T15:59:59.000Z",
      quarters: [1, 2],
    });
    expect(report.entries.map((e) => e.number)).toEqual(["1.1", "1.2", "1.3", "1.4", "2.1", "2.2"]);
    expect(report.entries[0]).toMatchObject({
      index: 0,
      goalNumber: 1,
      section: "PLAN",
      indicator: "Хэрэгжилтийн хувь",
      baseline: "90%",
      target: "92%",
      targetType: "PERCENT",
      targetValue: 92,
      previous: null,
      evidence: [],
    });
    expect(report.entries[4]).toMatchObject({
      section: "SKILLS",
      targetType: "COUNT",
      target: "Хоёроос доошгүй",
    });
    const again = await reports.openReport(w.actors.official);
    expect(again.id).toBe(report.id);
    expect(await db().prisma.reportEntry.count()).toBe(6);
    expect(JSON.parse(JSON.stringify(again))).toEqual(again);
  });

  it("tells why nothing can be opened", async () => {
    expect((await caught(reports.openReport(w.actors.colleague))).key).toBe(
      "reporting:errors.noApprovedPlan",
    );
    clock.set("2026-02-01T02:00:00Z");
    const none = await caught(reports.openReport(w.actors.official));
    expect(none.key).toBe("reporting:errors.noOpenPeriodNext");
    expect(none.params).toMatchObject({ kind: "Q1", opensAt: "2026.03.06" });
    const citizen = { userId: 1, personId: null, orgId: null, unitId: null, roles: [], superAdmin: false };
    expect((await caught(reports.openReport(citizen))).key).toBe("common:errors.forbidden");
  });

  it("takes answers of every target type, validated and saved at once", async () => {
    const { prisma } = db();
    const r = await reports.openReport(w.actors.official);
    const a = w.actors.official;

    const pct = await reports.saveAnswer(a, r.id, m["1.1"] as number, { achieved: "92,5" });
    expect(pct).toMatchObject({
      achievedText: "92.5%",
      achievedValue: 92.5,
      suggestedCompletion: 100,
      answered: false,
    });
    const bad = await caught(reports.saveAnswer(a, r.id, m["1.1"] as number, { achieved: "ихэнх" }));
    expect(bad.key).toBe("reporting:validation.percent");
    expect((await caught(reports.saveAnswer(a, r.id, m["1.1"] as number, { achieved: "1200%" }))).key).toBe(
      "reporting:validation.percentRange",
    );
    // Over the target is a real result: the level is kept, the suggested completion is capped.
    expect(await reports.saveAnswer(a, r.id, m["1.1"] as number, { achieved: "150" })).toMatchObject({
      achievedText: "150%",
      achievedValue: 150,
      suggestedCompletion: 100,
    });
    await reports.saveAnswer(a, r.id, m["1.1"] as number, { achieved: "92,5" });
    // An over-long narrative is refused, or kept shortened at a sentence boundary when asked.
    const sentence = "Хууль тогтоомжийг 85 албан хаагчдад танилцуулсан. ";
    const long = sentence.repeat(50);
    expect((await caught(reports.saveAnswer(a, r.id, m["1.1"] as number, { narrative: long }))).key).toBe(
      "reporting:validation.tooLong",
    );
    const cut = await reports.saveAnswer(a, r.id, m["1.1"] as number, {
      narrative: long,
      shortenNarrative: true,
    });
    expect(cut.narrative?.length).toBeLessThanOrEqual(2000);
    expect(cut.narrative).toBe(sentence.repeat(Math.floor(2000 / sentence.length)).trim());
    const narrative = "Хууль тогтоомжийг 85 албан хаагчдад танилцуулж, 12 зөвлөгөө өглөө.";
    const done = await reports.saveAnswer(a, r.id, m["1.1"] as number, { narrative, completion: "100%" });
    expect(done).toMatchObject({ narrative, completion: 100, answered: true, narrativeHasFigures: true });

    const count = await reports.saveAnswer(a, r.id, m["1.2"] as number, { achieved: "3 удаа" });
    expect(count).toMatchObject({ achievedValue: 3, achievedText: "3 удаа", suggestedCompletion: 75 });
    expect((await caught(reports.saveAnswer(a, r.id, m["1.2"] as number, { achieved: "2.5" }))).key).toBe(
      "reporting:validation.count",
    );
    await reports.saveAnswer(a, r.id, m["1.2"] as number, {
      completion: 75,
      narrative: "Мэдээг хугацаанд нь хүргүүлсэн.",
    });

    const yesNo = await reports.saveAnswer(a, r.id, m["1.3"] as number, { achieved: "үгүй" });
    expect(yesNo).toMatchObject({ achievedValue: 0, suggestedCompletion: 0 });
    expect(
      (await caught(reports.saveAnswer(a, r.id, m["1.3"] as number, { achieved: "магадгүй" }))).key,
    ).toBe("reporting:validation.boolean");
    await reports.saveAnswer(a, r.id, m["1.3"] as number, { achieved: "тийм", completion: 100 });

    const text = await reports.saveAnswer(a, r.id, m["1.4"] as number, {
      achieved: "Журмын төслийг боловсруулсан.",
    });
    expect(text).toMatchObject({
      achievedValue: null,
      suggestedCompletion: null,
      narrativeHasFigures: false,
    });
    expect(
      (await caught(reports.saveAnswer(a, r.id, m["1.4"] as number, { narrative: "а".repeat(2001) }))).params,
    ).toEqual({
      max: 2000,
      length: 2001,
    });
    expect((await caught(reports.saveAnswer(a, r.id, m["1.4"] as number, { completion: 101 }))).key).toBe(
      "reporting:validation.completion",
    );
    await reports.saveAnswer(a, r.id, m["1.4"] as number, { completion: 60 });

    // "Not due" needs a reason; 2.2 is due by the plan (II quarter), so it is flagged.
    expect(
      (await caught(reports.saveAnswer(a, r.id, m["2.2"] as number, { notDue: { reason: "  " } }))).key,
    ).toBe("reporting:validation.notDueReason");
    const skipped = await reports.saveAnswer(a, r.id, m["2.2"] as number, {
      notDue: { reason: "Туршлага судлах ажлыг III улиралд шилжүүлсэн." },
    });
    expect(skipped).toMatchObject({
      skipped: true,
      answered: true,
      dueByPlan: true,
      notDueFlagged: true,
      notDueReason: "Туршлага судлах ажлыг III улиралд шилжүүлсэн.",
    });
    expect((await caught(reports.saveAnswer(a, r.id, m["1.5"] as number, { achieved: "1" }))).key).toBe(
      "reporting:errors.notInReport",
    );

    // The draft survives a restart: a new service reads what was saved.
    const after = await new ReportService({ prisma, clock }).openReport(a);
    expect(after).toMatchObject({ answered: 5, total: 6, firstUnansweredIndex: 4 });
    expect(after.entries[0]).toMatchObject({ achievedText: "92.5%", completion: 100 });
    // 2.2, declared not due against the plan, counts as 0%.
    expect(after.overallCompletion).toBe(67);
  });

  it("keeps evidence files and additional tasks", async () => {
    const { prisma } = db();
    await prisma.organization.update({
      where: { id: w.orgId },
      data: { settings: { reporting: { maxEvidencePerEntry: 2 } } },
    });
    const r = await reports.openReport(w.actors.official);
    const entryId = r.entries[0]?.entryId as number;
    const photo = await reports.addEvidence(w.actors.official, entryId, {
      kind: "PHOTO",
      fileId: "AgAD-photo-1",
    });
    const doc = await reports.addEvidence(w.actors.official, entryId, {
      kind: "DOCUMENT",
      fileId: "BQAD-doc-1",
      fileName: "тушаал.pdf",
      mimeType: "application/pdf",
      size: 120_000,
    });
    expect(doc).toMatchObject({ kind: "DOCUMENT", fileName: "тушаал.pdf", size: 120_000 });
    expect(
      (await caught(reports.addEvidence(w.actors.official, entryId, { kind: "PHOTO", fileId: "x" }))).key,
    ).toBe("reporting:errors.tooManyEvidence");
    await reports.removeEvidence(w.actors.official, photo.id);
    expect(
      (await reports.getReport(w.actors.official, r.id)).entries[0]?.evidence.map((e) => e.fileId),
    ).toEqual(["BQAD-doc-1"]);
    expect(
      (await caught(reports.addEvidence(w.actors.colleague, entryId, { kind: "PHOTO", fileId: "y" }))).key,
    ).toBe("common:errors.forbidden");

    const task = await reports.addTask(w.actors.official, r.id, {
      title: "Аймгийн Засаг даргын захирамжийн төслийг боловсруулах",
      result: "Төслийг боловсруулж, хууль зүйн хяналтад хүргүүлсэн.",
      completion: 100,
    });
    const second = await reports.addTask(w.actors.official, r.id, { title: "Ажлын хэсэгт оролцох" });
    expect(
      await reports.updateTask(w.actors.official, second.id, {
        result: "2 удаа хуралдсан",
        completion: "80",
      }),
    ).toEqual({
      id: second.id,
      title: "Ажлын хэсэгт оролцох",
      result: "2 удаа хуралдсан",
      completion: 80,
    });
    expect((await caught(reports.addTask(w.actors.official, r.id, { title: " " }))).key).toBe(
      "reporting:validation.titleRequired",
    );
    await reports.removeTask(w.actors.official, second.id);
    expect((await reports.getReport(w.actors.official, r.id)).tasks).toEqual([task]);
  });

  it("summarises what is missing, then submits on time and notifies the head", async () => {
    const { prisma } = db();
    const a = w.actors.official;
    const r = await reports.openReport(a);
    await reports.saveAnswer(a, r.id, m["1.1"] as number, {
      achieved: "90",
      narrative: "Хэрэгжилт 90%.",
      completion: 98,
    });
    await reports.saveAnswer(a, r.id, m["1.2"] as number, { achieved: "2" });

    let summary = await reports.summary(a, r.id);
    expect(summary).toMatchObject({
      total: 6,
      answered: 1,
      canSubmit: false,
      overallCompletion: 98,
      suggestedRating: "EXCELLENT",
    });
    expect(summary.missing.map((x) => [x.number, x.lacks])).toEqual([
      ["1.2", ["completion"]],
      ["1.3", ["achieved", "completion"]],
      ["1.4", ["achieved", "completion"]],
      ["2.1", ["achieved", "completion"]],
      ["2.2", ["achieved", "completion"]],
    ]);
    const incomplete = await caught(reports.submit(a, r.id));
    expect(incomplete.key).toBe("reporting:errors.incomplete");
    expect(incomplete.params).toEqual({ count: 5, measures: "1.2, 1.3, 1.4, 2.1, 2.2" });

    await reports.saveAnswer(a, r.id, m["1.2"] as number, {
      completion: 50,
      narrative: "Хоёр удаа хүргүүлсэн.",
    });
    await reports.saveAnswer(a, r.id, m["1.3"] as number, { achieved: "тийм", completion: 100 });
    await reports.saveAnswer(a, r.id, m["1.4"] as number, {
      narrative: "Журмын төсөл бэлэн.",
      completion: 40,
    });
    await reports.saveAnswer(a, r.id, m["2.1"] as number, { achieved: "1", completion: 50 });
    await reports.saveAnswer(a, r.id, m["2.2"] as number, { notDue: { reason: "III улиралд шилжсэн." } });
    summary = await reports.summary(a, r.id);
    // 2.2 is due by the plan, so declaring it not due counts it as 0%:
    // (98 + 50 + 100 + 40 + 50 + 0) / 6 = 56.3 → SATISFACTORY (GOOD starts at 70).
    expect(summary).toMatchObject({
      answered: 6,
      skipped: 1,
      notDueAgainstPlan: ["2.2"],
      canSubmit: true,
      overallCompletion: 56.3,
      suggestedRating: "SATISFACTORY",
      late: false,
      withoutFigures: ["1.2", "1.4"],
      missing: [],
    });

    clock.set("2026-06-15T15:59:59Z");
    const submitted = await reports.submit(a, r.id);
    expect(submitted).toMatchObject({
      status: "SUBMITTED",
      late: false,
      overallCompletion: 56.3,
      suggestedRating: "SATISFACTORY",
      submittedAt: "2026-06-15T15:59:59.000Z",
      editable: false,
    });
    const [note] = await notificationsOf(prisma, w.users.adminHead);
    expect(note?.kind).toBe("report.submitted");
    expect(note?.payload).toEqual({
      key: "reporting:notify.reportSubmitted",
      params: {
        name: "Н.Вансэмбэрүү",
        year: 2026,
        period: { t: "reporting:period.name.H1" },
        completion: 56.3,
        rating: { t: "reporting:rating.SATISFACTORY" },
        notDue: { t: "reporting:notify.notDueFlagged", params: { count: 1, measures: "2.2" } },
      },
      buttons: [
        [
          { key: "reporting:buttons.approve", data: `rv:ok:${r.id}` },
          { key: "reporting:buttons.return", data: `rv:ret:${r.id}` },
        ],
        [
          { key: "reporting:buttons.rate", data: `rv:rate:${r.id}` },
          { key: "reporting:buttons.openReport", data: `rv:open:${r.id}` },
        ],
      ],
    });
    expect((await caught(reports.saveAnswer(a, r.id, m["1.1"] as number, { completion: 10 }))).key).toBe(
      "reporting:errors.notEditable",
    );
    expect((await caught(reports.submit(a, r.id))).key).toBe("reporting:errors.notEditable");
    expect((await caught(reports.addTask(a, r.id, { title: "x" }))).key).toBe("reporting:errors.notEditable");
  });

  it("marks a report submitted after the deadline as late", async () => {
    const { prisma } = db();
    await createPlan(prisma, w.orgId, w.people.hrOfficial, 2026, [
      {
        number: 1,
        title: "Зорилт",
        measures: [{ number: "1.1", title: "Арга хэмжээ", targetType: "COUNT", targetValue: 2 }],
      },
    ]);
    const a = w.actors.hrOfficial;
    clock.set("2026-06-20T03:00:00Z");
    const r = await reports.openReport(a);
    expect(r).toMatchObject({ deadlinePassed: true });
    expect(r.period.kind).toBe("H1");
    await reports.saveAnswer(a, r.id, r.entries[0]?.measureId as number, { achieved: "2", completion: 100 });
    expect((await reports.summary(a, r.id)).late).toBe(true);
    const submitted = await reports.submit(a, r.id);
    expect(submitted).toMatchObject({ late: true, suggestedRating: "EXCELLENT" });
    const note = (await notificationsOf(prisma, w.users.adminHead)).at(-1);
    expect(note?.payload).toMatchObject({ key: "reporting:notify.reportSubmittedLate" });
  });

  it("shows the same measure's result of the previous period", async () => {
    const a = w.actors.official;
    clock.set("2026-03-10T02:00:00Z");
    const q1 = await reports.openReport(a);
    expect(q1.entries.map((e) => e.number)).toEqual(["1.1", "1.2", "1.3", "1.4", "2.1"]);
    await reports.saveAnswer(a, q1.id, m["1.1"] as number, { achieved: "80%", completion: 87 });
    clock.set("2026-06-05T02:00:00Z");
    const h1 = await reports.openReport(a);
    expect(h1.entries[0]?.previous).toEqual({
      periodId: q1.period.id,
      periodKind: "Q1",
      year: 2026,
      achievedText: "80%",
      completion: 87,
    });
    expect(h1.entries[5]?.previous).toBeNull();
    // An earlier period that has opened can still be reached by id.
    expect((await reports.openReport(a, { periodId: q1.period.id })).id).toBe(q1.id);
    expect((await reports.myReports(a, 2026)).map((x) => x.periodKind)).toEqual(["H1", "Q1"]);
  });

  it("reads one measure as the whole view shows it, with where the report stands", async () => {
    const a = w.actors.official;
    clock.set("2026-03-10T02:00:00Z");
    const q1 = await reports.openReport(a);
    await reports.saveAnswer(a, q1.id, m["1.1"] as number, { achieved: "80%", completion: 87 });
    clock.set("2026-06-05T02:00:00Z");
    const h1 = await reports.openReport(a);
    await reports.saveAnswer(a, h1.id, m["1.2"] as number, { notDue: { reason: "Дараагийн улиралд." } });
    await reports.addTask(a, h1.id, { title: "Ажлын хэсэгт оролцох" });
    // Evidence of two kinds, in the order added (the entry's reads go straight to the driver).
    const first = h1.entries[0]!.entryId;
    await reports.addEvidence(a, first, { kind: "PHOTO", fileId: "AgAD-photo-1" });
    await reports.addEvidence(a, first, {
      kind: "DOCUMENT",
      fileId: "BQAD-doc-1",
      fileName: "тушаал 'эх'.pdf",
      mimeType: "application/pdf",
      size: 120_000,
    });
    const view = await reports.getReport(a, h1.id);
    expect(view.entries[0]?.evidence).toHaveLength(2);
    // The evidence's times as the client reads them (JSON carries them without a zone).
    const { prisma } = db();
    const stored = await prisma.reportEvidence.findMany({
      where: { entryId: first },
      orderBy: { id: "asc" },
    });
    const zone = process.env.TZ;
    process.env.TZ = "Asia/Ulaanbaatar"; // the process's own zone must not shift them
    try {
      const at = (await reportAt(prisma, h1.id, 0))?.entry;
      expect(at?.id).toBe(first);
      expect(at?.evidence).toEqual(stored);
      const row = await prisma.reportEntry.findUniqueOrThrow({ where: { id: first } });
      expect(at?.updatedAt).toEqual(row.updatedAt);
    } finally {
      process.env.TZ = zone;
    }

    const at = await reports.entryAt(a, h1.id, 0);
    expect(at).toMatchObject({
      id: h1.id,
      editable: true,
      returnComment: null,
      period: { kind: "H1", year: 2026, deadline: view.period.deadline },
      deadlinePassed: false,
      total: 6,
      answered: 1,
      firstUnansweredIndex: 0,
      tasks: 1,
      nextUnansweredIndex: 2,
    });
    // The same entry as in the whole view, the previous period's result included.
    expect(at.entry).toEqual(view.entries[0]);
    expect(at.entry?.previous).toMatchObject({ periodKind: "Q1", achievedText: "80%", completion: 87 });
    expect((await reports.entryAt(a, h1.id, 1)).entry).toEqual(view.entries[1]);
    expect((await reports.entryAt(a, h1.id, 5)).nextUnansweredIndex).toBeNull();
    expect((await reports.entryAt(a, h1.id, null)).entry).toBeNull();
    expect((await reports.entryAt(a, h1.id, 6)).entry).toBeNull();
    // The head reads it but may not change it; a colleague is kept out.
    expect((await reports.entryAt(w.actors.adminHead, h1.id, 0)).editable).toBe(false);
    expect((await caught(reports.entryAt(w.actors.colleague, h1.id, 0))).key).toBe("common:errors.forbidden");
    expect((await caught(reports.entryAt(a, 987_654, 0))).key).toBe("common:errors.notFound");
  });

  it("keeps other people out", async () => {
    const r = await reports.openReport(w.actors.official);
    const id = m["1.1"] as number;
    expect((await caught(reports.getReport(w.actors.colleague, r.id))).key).toBe("common:errors.forbidden");
    expect((await caught(reports.saveAnswer(w.actors.colleague, r.id, id, { achieved: "90" }))).key).toBe(
      "common:errors.forbidden",
    );
    expect((await caught(reports.saveAnswer(w.actors.adminHead, r.id, id, { achieved: "90" }))).key).toBe(
      "common:errors.forbidden",
    );
    // The answer a conversation saves is refused the same way.
    for (const actor of [w.actors.colleague, w.actors.adminHead]) {
      expect((await caught(reports.saveEntryAnswer(actor, r.id, id, { achieved: "90" }))).key).toBe(
        "common:errors.forbidden",
      );
    }
    expect(
      (await caught(reports.saveEntryAnswer(w.actors.otherHead, r.id, id, { achieved: "90" }))).key,
    ).toBe("common:errors.notFound");
    expect(
      (await caught(reports.saveEntryAnswer(w.actors.official, r.id, 987_654, { achieved: "90" }))).key,
    ).toBe("reporting:errors.notInReport");
    const saved = await reports.saveEntryAnswer(w.actors.official, r.id, id, {
      achieved: "90",
      completion: 95,
    });
    expect(saved).toMatchObject({ achievedValue: 90, completion: 95, answered: true, evidence: [] });
    const entry = (await reports.getReport(w.actors.official, r.id)).entries.find((e) => e.measureId === id);
    expect(entry).toMatchObject({ achievedValue: 90, completion: 95, answered: true });
    expect((await caught(reports.summary(w.actors.foodHead, r.id))).key).toBe("common:errors.forbidden");
    expect((await caught(reports.getReport(w.actors.otherHead, r.id))).key).toBe("common:errors.notFound");
    expect((await caught(reports.getReport(w.actors.official, 987_654))).key).toBe("common:errors.notFound");
    // The head reads it, but may not edit.
    expect((await reports.getReport(w.actors.adminHead, r.id)).editable).toBe(false);
    expect((await reports.getReport(w.actors.evaluator, r.id)).id).toBe(r.id);
  });

  it("a further answer to a measure is one statement, refused as the first one would be", async () => {
    const r = await reports.openReport(w.actors.official);
    const id = m["1.1"] as number;
    await reports.saveEntryAnswer(w.actors.official, r.id, id, { achieved: "90" });
    // Its measure now known: the next answers write without reading it first.
    const direct = directSqlOf(db().prisma)!;
    const sent = vi.spyOn(direct, "query");
    const saved = await reports.saveEntryAnswer(w.actors.official, r.id, id, {
      narrative: "Хийсэн ажлын тайлан 12 удаа.",
      completion: 90,
    });
    expect(sent).toHaveBeenCalledTimes(1);
    sent.mockRestore();
    expect(saved).toMatchObject({
      achievedValue: 90,
      completion: 90,
      answered: true,
      narrativeHasFigures: true,
    });
    expect(
      (await caught(reports.saveEntryAnswer(w.actors.official, r.id, id, { achieved: "abc" }))).key,
    ).toMatch(/^reporting:validation\./);
    // Someone else, with the measure known to this instance: still refused, nothing written.
    for (const actor of [w.actors.colleague, w.actors.adminHead]) {
      expect((await caught(reports.saveEntryAnswer(actor, r.id, id, { achieved: "10" }))).key).toBe(
        "common:errors.forbidden",
      );
    }
    const entry = (await reports.getReport(w.actors.official, r.id)).entries.find((e) => e.measureId === id);
    expect(entry).toMatchObject({ achievedValue: 90, completion: 90 });
    // Once the report is no longer editable, an answer is refused as before.
    await db().prisma.report.update({ where: { id: r.id }, data: { status: "SUBMITTED" } });
    expect((await caught(reports.saveEntryAnswer(w.actors.official, r.id, id, { completion: 50 }))).key).toBe(
      "reporting:errors.notEditable",
    );
  });
});
