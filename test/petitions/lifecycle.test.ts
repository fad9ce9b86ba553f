import { beforeEach, describe, expect, it } from "vitest";
import type { MessagePayload } from "../../src/scheduling/outbox.js";
import { PetitionService } from "../../src/petitions/petition-service.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { draft, makeCitizen, makeOffice, makeOrg, makeStaff, type Office } from "./fixtures.js";

describe("the life of a petition", () => {
  const db = useTestDatabase();
  let clock: ManualClock;
  let svc: PetitionService;
  let o: Office;

  beforeEach(async () => {
    clock = new ManualClock("2026-03-10T01:00:00Z"); // 10 March, 09:00 in Ulaanbaatar
    svc = new PetitionService({ prisma: db().prisma, clock });
    o = await makeOffice(db().prisma);
  });

  /** Notifications of a kind, with the recipient's person id (null for citizens). */
  async function outbox(kind?: string) {
    const rows = await db().prisma.notification.findMany({
      where: kind ? { kind } : {},
      orderBy: { id: "asc" },
      include: { user: { select: { id: true, personId: true } } },
    });
    return rows.map((n) => ({
      kind: n.kind,
      userId: n.user.id,
      personId: n.user.personId,
      dedupeKey: n.dedupeKey,
      payload: n.payload as unknown as MessagePayload,
    }));
  }

  const buttonData = (p: MessagePayload) => (p.buttons ?? []).flat().map((b) => b.data);

  it("intake → routed to a unit → assigned → accepted → question and reply → extension → answer → rating", async () => {
    const { prisma } = db();
    const citizen = await makeCitizen(prisma);

    // Intake: the petition and its first history entry exist when submit returns.
    const sub = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, {
        topicId: o.topics.welfare.id,
        attachments: [{ kind: "PHOTO", fileId: "AgAD-photo-1", fileUniqueId: "u1", size: 120_000 }],
      }),
    );
    expect(sub).toEqual({
      id: expect.any(Number),
      number: "ӨГ-2026-000001",
      status: "REGISTERED",
      receivedAt: "2026-03-10T01:00:00.000Z",
      dueAt: "2026-04-09T15:59:59.999Z",
      routedTo: "unit",
    });
    const id = sub.id;
    const stored = await prisma.petition.findUniqueOrThrow({
      where: { id },
      include: { events: true, attachments: true },
    });
    expect(stored).toMatchObject({
      channel: "BOT",
      senderType: "CITIZEN",
      phone: "+97699112233",
      unitId: o.units.welfare.id,
      assigneeId: null,
      citizenUserId: citizen.id,
      consentAt: new Date("2026-03-10T01:00:00Z"),
    });
    expect(stored.events.map((e) => e.type)).toEqual(["REGISTERED", "ROUTED"]);
    expect(stored.attachments).toMatchObject([
      {
        kind: "PHOTO",
        fileId: "AgAD-photo-1",
        fileUniqueId: "u1",
        fileName: null,
        mimeType: null,
        size: 120_000,
        eventId: stored.events[0]?.id,
        createdAt: new Date("2026-03-10T01:00:00Z"),
      },
    ]);

    // The unit head (not the clerks) is told to distribute it.
    const routed = await outbox();
    expect(routed.map((n) => [n.kind, n.personId])).toEqual([["petition.routed", o.welfareHead.personId]]);
    expect(routed[0]?.payload).toMatchObject({
      key: "petitions:notify.routedToUnit",
      params: {
        number: "ӨГ-2026-000001",
        kind: { t: "petitions:kind.REQUEST" },
        due: { date: "2026-04-09T15:59:59.999Z" },
        unit: "Хөдөлмөр, халамжийн үйлчилгээний хэлтэс",
      },
    });
    expect(buttonData(routed[0]!.payload)).toEqual([`pt:asg:${id}`, `pt:open:${id}`]);
    expect((await svc.listForUnitHead(o.welfareHead.actor)).map((p) => p.id)).toEqual([id]);

    // The unit head assigns it with an instruction (цохолт).
    clock.advance(3_600_000);
    const assigned = await svc.assign(o.welfareHead.actor, id, {
      personId: o.welfareOfficer.personId,
      note: "Тэтгэврийн тооцоог шалгаж, 14 хоногт багтаан хариу өг.",
    });
    expect(assigned).toEqual({
      id,
      number: "ӨГ-2026-000001",
      status: "ASSIGNED",
      dueAt: "2026-04-09T15:59:59.999Z",
    });
    const [toAssignee] = await outbox("petition.assigned");
    expect(toAssignee?.personId).toBe(o.welfareOfficer.personId);
    expect(toAssignee?.payload).toMatchObject({
      key: "petitions:notify.assignedWithNote",
      params: { number: "ӨГ-2026-000001", note: "Тэтгэврийн тооцоог шалгаж, 14 хоногт багтаан хариу өг." },
    });
    expect(buttonData(toAssignee!.payload)).toEqual(
      ["acc", "ret", "fwd", "ext", "ask", "ans", "open"].map((v) => `pt:${v}:${id}`),
    );
    expect((await svc.listForAssignee(o.welfareOfficer.actor)).map((p) => p.id)).toEqual([id]);

    // Accept, then ask the citizen.
    await svc.accept(o.welfareOfficer.actor, id);
    await svc.askCitizen(
      o.welfareOfficer.actor,
      id,
      "Тэтгэвэр тогтоолгосон огноо болон дансны дугаараа бичнэ үү.",
    );
    const [question] = await outbox("petition.citizenQuestion");
    expect(question).toMatchObject({ userId: citizen.id, personId: null });
    expect(question?.payload).toMatchObject({
      key: "petitions:notify.citizenQuestion",
      params: {
        org: "Сэлэнгэ аймгийн Засаг даргын Тамгын газар",
        number: "ӨГ-2026-000001",
        question: "Тэтгэвэр тогтоолгосон огноо болон дансны дугаараа бичнэ үү.",
      },
    });
    expect(buttonData(question!.payload)).toEqual([`pc:reply:${id}`, `pc:open:${id}`]);
    // The citizen never sees who the official is.
    expect(JSON.stringify(question)).not.toContain("Энхжаргал");

    // The citizen's reply (with a file) reaches the assignee.
    await svc.citizenReply(citizen.id, id, "2019 оны 5-р сард тогтоолгосон. Дансны хуулгыг хавсаргав.", [
      { kind: "DOCUMENT", fileId: "BQAD-statement", fileName: "huulga.pdf", mimeType: "application/pdf" },
    ]);
    const [reply] = await outbox("petition.citizenReply");
    expect(reply?.personId).toBe(o.welfareOfficer.personId);
    expect(reply?.payload.files).toEqual([{ kind: "DOCUMENT", fileId: "BQAD-statement" }]);

    // Extension: requested by the assignee, the unit head approves; the citizen learns the new date.
    await svc.requestExtension(o.welfareOfficer.actor, id, {
      days: 10,
      reason: "Нийгмийн даатгалын газраас лавлагаа хүлээж байна.",
    });
    const [extReq] = await outbox("petition.extensionRequested");
    expect(extReq?.personId).toBe(o.welfareHead.personId);
    expect(buttonData(extReq!.payload)).toEqual([`pt:xok:${id}`, `pt:xno:${id}`, `pt:open:${id}`]);
    const cardForHead = await svc.cardForStaff(o.welfareHead.actor, id);
    expect(cardForHead.extensionPending).toBe(true);
    expect(cardForHead.allowedActions).toContain("decideExtension");
    const decided = await svc.decideExtension(o.welfareHead.actor, id, { approve: true });
    expect(decided.dueAt).toBe("2026-04-19T15:59:59.999Z");
    expect((await outbox("petition.citizenExtended"))[0]).toMatchObject({
      userId: citizen.id,
      payload: {
        key: "petitions:notify.citizenExtended",
        params: { due: { date: "2026-04-19T15:59:59.999Z" } },
      },
    });
    expect((await outbox("petition.extensionApproved"))[0]?.personId).toBe(o.welfareOfficer.personId);

    // The answer reaches the citizen with rating buttons.
    clock.set("2026-03-25T03:00:00Z");
    const answered = await svc.answer(o.welfareOfficer.actor, id, {
      text: "Таны тэтгэврийг дахин тооцож, зөрүү 240,000 төгрөгийг 4-р сарын тэтгэвэртэй хамт олгоно.",
      attachments: [{ kind: "DOCUMENT", fileId: "BQAD-decision", fileName: "shiidver.pdf" }],
    });
    expect(answered.status).toBe("ANSWERED");
    const [answerMsg] = await outbox("petition.citizenAnswered");
    expect(answerMsg).toMatchObject({
      userId: citizen.id,
      payload: { key: "petitions:notify.citizenAnswered" },
    });
    expect(answerMsg?.payload.files).toEqual([{ kind: "DOCUMENT", fileId: "BQAD-decision" }]);
    expect(buttonData(answerMsg!.payload)).toEqual([1, 2, 3, 4, 5].map((s) => `pc:rate:${id}:${s}`));

    await svc.rate(citizen.id, id, 5, "Баярлалаа, шуурхай шийдвэрлэлээ.");

    const final = await prisma.petition.findUniqueOrThrow({ where: { id } });
    expect(final).toMatchObject({
      status: "ANSWERED",
      extended: true,
      extensionRequestedDays: 10,
      answeredAt: new Date("2026-03-25T03:00:00Z"),
      closedAt: new Date("2026-03-25T03:00:00Z"),
      rating: 5,
      assigneeId: o.welfareOfficer.personId,
    });

    // The citizen's card: plain history, no staff names, no internal notes.
    const card = await svc.cardForCitizen(citizen.id, id);
    expect(card.history.map((h) => h.type)).toEqual([
      "REGISTERED",
      "ROUTED",
      "ASSIGNED",
      "ACCEPTED",
      "QUESTION",
      "REPLY",
      "EXTENSION_APPROVED",
      "ANSWERED",
      "RATED",
    ]);
    expect(card.history.find((h) => h.type === "EXTENSION_APPROVED")?.data).toEqual({
      dueAt: "2026-04-19T15:59:59.999Z",
    });
    expect(card.history.find((h) => h.type === "RATED")?.data).toEqual({ score: 5 });
    expect(card.answer?.attachments.map((a) => a.fileId)).toEqual(["BQAD-decision"]);
    expect(card.attachments.map((a) => a.fileId)).toEqual(["AgAD-photo-1", "BQAD-statement"]);
    expect(card).toMatchObject({ canRate: false, canAddInfo: false, rating: 5, org: { name: o.org.name } });
    const cardJson = JSON.stringify(card);
    for (const secret of ["Энхжаргал", "Оюунчимэг", "Тэтгэврийн тооцоог шалгаж", "лавлагаа хүлээж"]) {
      expect(cardJson).not.toContain(secret);
    }

    // The staff card: everything, with who did what.
    const staff = await svc.cardForStaff(o.clerk.actor, id);
    expect(staff.history.map((h) => [h.type, h.actor])).toEqual([
      ["REGISTERED", { citizen: true }],
      ["ROUTED", null],
      ["ASSIGNED", { personId: o.welfareHead.personId, fullName: "Б.Оюунчимэг" }],
      ["ACCEPTED", { personId: o.welfareOfficer.personId, fullName: "Т.Энхжаргал" }],
      ["QUESTION", { personId: o.welfareOfficer.personId, fullName: "Т.Энхжаргал" }],
      ["REPLY", { citizen: true }],
      ["EXTENSION_REQUESTED", { personId: o.welfareOfficer.personId, fullName: "Т.Энхжаргал" }],
      ["EXTENSION_APPROVED", { personId: o.welfareHead.personId, fullName: "Б.Оюунчимэг" }],
      ["ANSWERED", { personId: o.welfareOfficer.personId, fullName: "Т.Энхжаргал" }],
      ["RATED", { citizen: true }],
    ]);
    expect(staff.history[2]?.note).toBe("Тэтгэврийн тооцоог шалгаж, 14 хоногт багтаан хариу өг.");
    expect(staff.history[8]?.data).toMatchObject({ late: false });
    expect(staff).toMatchObject({
      petitioner: { name: "Б.Болд", phone: "+97699112233" },
      allowedActions: [],
      ratingComment: "Баярлалаа, шуурхай шийдвэрлэлээ.",
    });

    // Every change wrote an event at the clock's time; every message has its own dedupe key.
    const events = await prisma.petitionEvent.findMany({ where: { petitionId: id }, orderBy: { id: "asc" } });
    expect(events.at(-1)?.createdAt).toEqual(new Date("2026-03-25T03:00:00Z"));
    expect(events[0]?.createdAt).toEqual(new Date("2026-03-10T01:00:00Z"));
    const all = await outbox();
    expect(new Set(all.map((n) => n.dedupeKey)).size).toBe(all.length);
    for (const n of all) expect(n.dedupeKey).toMatch(new RegExp(`^petition\\.\\w+:${id}:\\d+:[pu]\\d+$`));
  });

  it("a forward to an organisation of this system registers it there with its files, routed by its rules", async () => {
    const { prisma } = db();
    const citizen = await makeCitizen(prisma, "mn");
    const soum = await makeOrg(prisma, { slug: "shaamar", name: "Шаамар сумын Засаг даргын Тамгын газар" });
    const soumClerk = await makeStaff(prisma, soum.id, { fullName: "Д.Сарнай", roles: ["PETITION_CLERK"] });
    const soumLand = await prisma.petitionTopic.create({
      data: { orgId: soum.id, code: "GAZAR", name: "Газрын асуудал" },
    });
    const photo = { kind: "PHOTO" as const, fileId: "photo-1", fileUniqueId: "u1", mimeType: "image/jpeg" };
    const sub = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, { topicId: o.topics.land.id, attachments: [photo] }),
    );
    await svc.addInfo(citizen.id, sub.id, "Газрын гэрчилгээний хуулбар.", [
      {
        kind: "DOCUMENT",
        fileId: "doc-1",
        fileName: "gerchilgee.pdf",
        mimeType: "application/pdf",
        size: 1000,
      },
    ]);
    // Routed to the land unit; its head gives it to the land officer, who forwards it.
    await svc.assign(o.landHead.actor, sub.id, { personId: o.landOfficer.personId });

    await svc.forward(o.landOfficer.actor, sub.id, { toOrgId: soum.id, reason: "Сумын газрын асуудал." });
    const there = await prisma.petition.findUniqueOrThrow({
      where: { forwardedFromId: sub.id },
      include: { attachments: { orderBy: { id: "asc" } } },
    });
    expect(there.topicId).toBe(soumLand.id); // the same topic code
    expect(there.attachments.map((a) => a.fileId)).toEqual(["photo-1", "doc-1"]);
    // Not routed there: the soum's clerk is told, with the petition's new number.
    const news = (await outbox("petition.new")).filter((n) => n.personId === soumClerk.personId);
    expect(news).toHaveLength(1);
    expect(news[0]!.payload).toMatchObject({ params: { number: "ӨГ-2026-000001" } });
    const card = await svc.cardForStaff(soumClerk.actor, there.id);
    expect(card.forwardedFrom).toEqual({
      org: { id: o.org.id, name: o.org.name, nameEn: o.org.nameEn },
      number: sub.number,
    });
    expect(card.history[0]).toMatchObject({
      type: "REGISTERED",
      data: { from: o.org.name, fromNumber: sub.number },
    });
    // The soum answers; the answer reaches the citizen of the original petition.
    await svc.assign(soumClerk.actor, there.id, { personId: soumClerk.personId });
    await svc.answer(soumClerk.actor, there.id, { text: "Газрын асуудлыг шийдвэрлэлээ." });
    expect((await outbox("petition.citizenAnswered")).at(-1)).toMatchObject({ userId: citizen.id });
  });

  it("a forward to an inactive organisation is recorded by name only", async () => {
    const { prisma } = db();
    const citizen = await makeCitizen(prisma, "mn");
    const closed = await makeOrg(prisma, { slug: "old", name: "Татан буугдсан алба" });
    await prisma.organization.update({ where: { id: closed.id }, data: { active: false } });
    const sub = await svc.submitFromCitizen(citizen.id, draft(o.org.id));
    const r = await svc.forward(o.clerk.actor, sub.id, { toOrgId: closed.id, reason: "Харьяалал." });
    expect(r.registeredAs).toBeUndefined();
    expect(await prisma.petition.count({ where: { orgId: closed.id } })).toBe(0);
    expect((await outbox("petition.citizenForwarded"))[0]?.payload.key).toBe(
      "petitions:notify.citizenForwarded",
    );
  });

  it("a petition outside competence is forwarded and the citizen told where and why", async () => {
    const { prisma } = db();
    const citizen = await makeCitizen(prisma, "en");
    const other = await makeOrg(prisma, {
      slug: "shaamar",
      name: "Шаамар сумын Засаг даргын Тамгын газар",
      nameEn: "Shaamar soum",
    });
    const sub = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, { topicId: o.topics.other.id, kind: "SUGGESTION" }),
    );
    expect(sub.routedTo).toBe("queue");
    // Not routed: every clerk is told (the organisation head is not, as there is a clerk).
    expect((await outbox()).map((n) => [n.kind, n.personId])).toEqual([["petition.new", o.clerk.personId]]);

    await svc.assign(o.clerk.actor, sub.id, { personId: o.landOfficer.personId });
    clock.advanceDays(2);
    const r = await svc.forward(o.landOfficer.actor, sub.id, {
      toOrgId: other.id,
      reason: "Сумын төвийн гудамжны гэрэлтүүлэг сумын Засаг даргын эрх хэмжээнд хамаарна.",
    });
    expect(r.status).toBe("FORWARDED");
    const p = await prisma.petition.findUniqueOrThrow({ where: { id: sub.id } });
    expect(p).toMatchObject({
      forwardedToOrgId: other.id,
      forwardedToName: "Шаамар сумын Засаг даргын Тамгын газар",
      closedAt: clock.now(),
    });
    // Shaamar uses this system too: the petition is registered there, its term from today.
    expect(r.registeredAs).toBe("ӨГ-2026-000001");
    const there = await prisma.petition.findUniqueOrThrow({ where: { forwardedFromId: sub.id } });
    expect(there).toMatchObject({
      orgId: other.id,
      number: "ӨГ-2026-000001",
      kind: "SUGGESTION",
      status: "REGISTERED",
      citizenUserId: citizen.id,
      text: p.text,
      petitionerName: "Б.Болд",
      receivedAt: clock.now(),
      topicId: null, // Shaamar has no topic with the code BUSAD
    });
    const [told] = await outbox("petition.citizenForwarded");
    expect(told).toMatchObject({
      userId: citizen.id,
      payload: {
        key: "petitions:notify.citizenForwardedRegistered",
        // An English-speaking citizen gets the organisations' English names.
        params: {
          org: "Selenge Governor's Office",
          to: "Shaamar soum",
          newNumber: "ӨГ-2026-000001",
          due: { date: there.dueAt.toISOString() },
        },
      },
    });
    const card = await svc.cardForCitizen(citizen.id, sub.id);
    expect(card.forwardedTo).toBe("Шаамар сумын Засаг даргын Тамгын газар");
    expect(card.history.at(-1)).toMatchObject({
      type: "FORWARDED",
      note: "Сумын төвийн гудамжны гэрэлтүүлэг сумын Засаг даргын эрх хэмжээнд хамаарна.",
      data: { to: "Шаамар сумын Засаг даргын Тамгын газар (ӨГ-2026-000001)" },
    });
    // The citizen follows both from the chat: the new one is theirs too.
    expect((await svc.listForCitizen(citizen.id)).map((x) => x.number)).toHaveLength(2);
    expect((await svc.cardForCitizen(citizen.id, there.id)).org.name).toBe(other.name);
    const staffCard = await svc.cardForStaff(o.clerk.actor, sub.id);
    expect(staffCard.forwardBy).toBe("2026-03-17T15:59:59.999Z");
    expect(staffCard.forwardedTo).toEqual({ orgId: other.id, name: other.name, number: "ӨГ-2026-000001" });
    expect(staffCard.history.at(-1)?.data).toMatchObject({ late: false, toNumber: "ӨГ-2026-000001" });

    // A clerk forwards straight from the queue to a body named in words.
    const sub2 = await svc.submitFromCitizen(citizen.id, draft(o.org.id, { kind: "REQUEST" }));
    await svc.forward(o.clerk.actor, sub2.id, {
      toName: "Нийслэлийн Газар зохион байгуулалтын алба",
      reason: "Нийслэлийн газрын асуудал.",
    });
    expect((await prisma.petition.findUniqueOrThrow({ where: { id: sub2.id } })).forwardedToOrgId).toBeNull();
    await expect(svc.addInfo(citizen.id, sub2.id, "Нэмэлт мэдээлэл байна.")).rejects.toMatchObject({
      key: "petitions:errors.closed",
    });
  });

  it("the assignee returns a petition to the clerks' queue; the clerk assigns it again", async () => {
    const { prisma } = db();
    const citizen = await makeCitizen(prisma);
    // Welfare complaints go straight to the welfare officer.
    const sub = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, { topicId: o.topics.welfare.id, kind: "COMPLAINT" }),
    );
    expect(sub).toMatchObject({ status: "ASSIGNED", routedTo: "person" });
    const [auto] = await outbox("petition.assigned");
    expect(auto).toMatchObject({
      personId: o.welfareOfficer.personId,
      payload: { key: "petitions:notify.assigned" },
    });

    await svc.returnToClerk(
      o.welfareOfficer.actor,
      sub.id,
      "Энэ нь газрын асуудал, манай хэлтэст хамаарахгүй.",
    );
    expect(await prisma.petition.findUniqueOrThrow({ where: { id: sub.id } })).toMatchObject({
      status: "REGISTERED",
      assigneeId: null,
      unitId: null,
    });
    const [returned] = await outbox("petition.returned");
    expect(returned).toMatchObject({
      personId: o.clerk.personId,
      payload: {
        key: "petitions:notify.returned",
        params: { assignee: "Т.Энхжаргал", reason: "Энэ нь газрын асуудал, манай хэлтэст хамаарахгүй." },
      },
    });
    const queue = await svc.clerkQueue(o.clerk.actor);
    expect(queue).toMatchObject([{ id: sub.id, returned: true, assignee: null }]);
    await expect(svc.accept(o.welfareOfficer.actor, sub.id)).rejects.toMatchObject({
      key: "common:errors.notFound",
    });

    await svc.assign(o.clerk.actor, sub.id, {
      personId: o.landOfficer.personId,
      note: "Газрын хэлтэс шийдвэрлэнэ.",
    });
    expect(await prisma.petition.findUniqueOrThrow({ where: { id: sub.id } })).toMatchObject({
      status: "ASSIGNED",
      assigneeId: o.landOfficer.personId,
      unitId: o.units.land.id,
    });
    expect(await svc.clerkQueue(o.clerk.actor)).toEqual([]);

    // Reassigning tells the previous assignee.
    await svc.assign(o.clerk.actor, sub.id, { personId: o.landHead.personId });
    const [reassigned] = await outbox("petition.reassigned");
    expect(reassigned?.personId).toBe(o.landOfficer.personId);
    // The citizen's history shows no return and no instruction.
    const card = await svc.cardForCitizen(citizen.id, sub.id);
    expect(card.history.map((h) => h.type)).toEqual(["REGISTERED", "ASSIGNED", "ASSIGNED", "ASSIGNED"]);
  });

  it("a paper petition registered by the clerk counts from its receipt date", async () => {
    const { prisma } = db();
    const r = await svc.registerByStaff(o.clerk.actor, {
      channel: "WRITTEN",
      receivedAt: "2026-03-02",
      senderType: "LEGAL_ENTITY",
      kind: "REQUEST",
      topicId: o.topics.land.id,
      text: "Манай компанид үйлдвэрийн зориулалттай газар олгох хүсэлт.",
      petitionerName: "Сэлэнгэ Трейд ХХК",
      phone: "70361234",
      address: "Сүхбаатар сум, 1-р баг, Үйлдвэрийн гудамж 4",
      attachments: [{ kind: "DOCUMENT", fileId: "BQAD-scan", fileName: "ургөдөл.pdf" }],
    });
    expect(r).toEqual({
      id: expect.any(Number),
      number: "ӨГ-2026-000001",
      status: "REGISTERED",
      receivedAt: "2026-03-01T16:00:00.000Z",
      dueAt: "2026-04-01T15:59:59.999Z",
      routedTo: "unit",
    });
    const p = await prisma.petition.findUniqueOrThrow({ where: { id: r.id }, include: { events: true } });
    expect(p).toMatchObject({
      channel: "WRITTEN",
      senderType: "LEGAL_ENTITY",
      registeredById: o.clerk.personId,
      citizenUserId: null,
      consentAt: null,
      phone: "+97670361234",
      unitId: o.units.land.id,
    });
    expect(p.events[0]).toMatchObject({
      type: "REGISTERED",
      actorPersonId: o.clerk.personId,
      data: { channel: "WRITTEN" },
    });
    // Routed to the land unit: its head is told; the clerk who registered it is not.
    expect((await outbox()).map((n) => [n.kind, n.personId])).toEqual([
      ["petition.routed", o.landHead.personId],
    ]);

    await svc.assign(o.landHead.actor, r.id, { personId: o.landOfficer.personId });
    await expect(svc.askCitizen(o.landOfficer.actor, r.id, "Гэрчилгээний хуулбар?")).rejects.toMatchObject({
      key: "petitions:errors.noCitizenChat",
    });
    expect((await svc.cardForStaff(o.landOfficer.actor, r.id)).allowedActions).toEqual([
      "accept",
      "return",
      "forward",
      "extend",
      "answer",
    ]);
    // The answer is recorded (sent on paper); nobody is messaged.
    const before = (await outbox()).length;
    await svc.answer(o.landOfficer.actor, r.id, {
      text: "Газар олгох асуудлыг дуудлага худалдаагаар шийдвэрлэнэ.",
    });
    expect((await outbox()).length).toBe(before);

    // Received last year, registered in January: numbered in the year of receipt.
    clock.set("2026-01-05T02:00:00Z");
    const late = await svc.registerByStaff(o.orgAdmin.actor, {
      channel: "GOV_11_11",
      receivedAt: "2025-12-30T10:00:00+08:00",
      kind: "COMPLAINT",
      text: "Дулааны шугамын засварын ажил удааширч байна.",
      petitionerName: "Г.Нарантуяа",
      phone: "+976 8811 4455",
    });
    expect(late).toMatchObject({
      number: "ӨГ-2025-000001",
      dueAt: "2026-01-29T15:59:59.999Z",
      routedTo: "queue",
    });
    expect((await outbox("petition.new")).map((n) => n.personId)).toEqual([o.clerk.personId]);
  });

  it("with answer review the head approves or sends back the answer before the citizen sees it", async () => {
    const { prisma } = db();
    await prisma.organization.update({
      where: { id: o.org.id },
      data: { settings: { petitions: { answerReview: true } } },
    });
    const citizen = await makeCitizen(prisma);
    const sub = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, { topicId: o.topics.welfare.id, kind: "COMPLAINT" }),
    );
    await svc.accept(o.welfareOfficer.actor, sub.id);

    const files = [{ kind: "PHOTO" as const, fileId: "AgAD-act" }];
    const r1 = await svc.answer(o.welfareOfficer.actor, sub.id, {
      text: "Хариу: таны гомдлыг хянаж үзлээ.",
      attachments: files,
    });
    expect(r1.status).toBe("ANSWER_REVIEW");
    const [review] = await outbox("petition.answerForReview");
    expect(review?.personId).toBe(o.welfareHead.personId);
    expect(buttonData(review!.payload)).toEqual([
      `pt:aok:${sub.id}`,
      `pt:ano:${sub.id}`,
      `pt:open:${sub.id}`,
    ]);
    expect(await outbox("petition.citizenAnswered")).toEqual([]);
    expect((await svc.cardForCitizen(citizen.id, sub.id)).answer).toBeNull();
    await expect(
      svc.answer(o.welfareOfficer.actor, sub.id, { text: "Дахин хариу өгье гэсэн юм." }),
    ).rejects.toMatchObject({
      key: "petitions:errors.inReview",
    });

    await svc.sendBackAnswer(o.welfareHead.actor, sub.id, "Хуулийн заалтыг тодорхой бичнэ үү.");
    expect((await outbox("petition.answerSentBack"))[0]).toMatchObject({
      personId: o.welfareOfficer.personId,
      payload: { params: { note: "Хуулийн заалтыг тодорхой бичнэ үү." } },
    });
    expect((await prisma.petition.findUniqueOrThrow({ where: { id: sub.id } })).status).toBe("IN_PROGRESS");

    await svc.answer(o.welfareOfficer.actor, sub.id, {
      text: "Нийгмийн халамжийн тухай хуулийн 13 дугаар зүйлийн дагуу тэтгэмжийг сэргээлээ.",
      attachments: files,
    });
    clock.advanceDays(1);
    await svc.approveAnswer(o.welfareHead.actor, sub.id, "Зөв.");
    const p = await prisma.petition.findUniqueOrThrow({ where: { id: sub.id } });
    expect(p).toMatchObject({
      status: "ANSWERED",
      answeredAt: clock.now(),
      answerText: "Нийгмийн халамжийн тухай хуулийн 13 дугаар зүйлийн дагуу тэтгэмжийг сэргээлээ.",
    });
    const [toCitizen] = await outbox("petition.citizenAnswered");
    expect(toCitizen?.payload).toMatchObject({
      params: { answer: "Нийгмийн халамжийн тухай хуулийн 13 дугаар зүйлийн дагуу тэтгэмжийг сэргээлээ." },
      files: [{ kind: "PHOTO", fileId: "AgAD-act" }],
    });
    expect((await outbox("petition.answerApproved"))[0]?.personId).toBe(o.welfareOfficer.personId);
    const card = await svc.cardForCitizen(citizen.id, sub.id);
    expect(card.history.map((h) => h.type)).toEqual(["REGISTERED", "ASSIGNED", "ACCEPTED", "ANSWERED"]);
    expect(card.answer?.attachments.map((a) => a.fileId)).toEqual(["AgAD-act"]);
  });

  it("the citizen adds information, withdraws, and sees their list", async () => {
    const { prisma } = db();
    const citizen = await makeCitizen(prisma);
    const a = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, { topicId: o.topics.welfare.id, kind: "COMPLAINT" }),
    );
    clock.advanceDays(1);
    const b = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, { kind: "GRATITUDE", anonymous: true, petitionerName: "", phone: "" }),
    );
    expect(b.number).toBe("ӨГ-2026-000002");

    await svc.addInfo(citizen.id, a.id, "Өмнөх гомдлын хуулбарыг хавсаргав.", [
      { kind: "PHOTO", fileId: "AgAD-old" },
    ]);
    expect((await outbox("petition.infoAdded"))[0]).toMatchObject({
      personId: o.welfareOfficer.personId,
      payload: { files: [{ kind: "PHOTO", fileId: "AgAD-old" }] },
    });

    await svc.withdraw(citizen.id, a.id, "Асуудал шийдэгдсэн.");
    expect((await outbox("petition.withdrawn"))[0]?.personId).toBe(o.welfareOfficer.personId);
    await expect(
      svc.answer(o.welfareOfficer.actor, a.id, { text: "Хариу өгч байна шүү." }),
    ).rejects.toMatchObject({
      key: "petitions:errors.closed",
    });
    await expect(svc.withdraw(citizen.id, a.id)).rejects.toMatchObject({ key: "petitions:errors.closed" });

    const list = await svc.listForCitizen(citizen.id);
    expect(list.map((p) => [p.number, p.status, p.kind])).toEqual([
      ["ӨГ-2026-000002", "REGISTERED", "GRATITUDE"],
      ["ӨГ-2026-000001", "WITHDRAWN", "COMPLAINT"],
    ]);
    expect(list[0]?.org).toEqual({ id: o.org.id, name: o.org.name, nameEn: "Selenge Governor's Office" });
    const anon = await prisma.petition.findUniqueOrThrow({ where: { id: b.id } });
    expect(anon).toMatchObject({
      anonymous: true,
      petitionerName: null,
      phone: null,
      citizenUserId: citizen.id,
    });
  });

  it("staff lists: due soon, overdue, search by number, name and phone", async () => {
    const { prisma } = db();
    const citizen = await makeCitizen(prisma);
    const a = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, { topicId: o.topics.welfare.id, kind: "COMPLAINT" }),
    );
    clock.advanceDays(20);
    const b = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, {
        topicId: o.topics.welfare.id,
        kind: "COMPLAINT",
        petitionerName: "Ж.Дорж",
        phone: "+97688776655",
      }),
    );
    clock.set("2026-04-08T01:00:00Z"); // a is due 9 April: due soon; b is due 29 April
    expect((await svc.listForAssignee(o.welfareOfficer.actor, "dueSoon")).map((p) => p.id)).toEqual([a.id]);
    expect((await svc.listForAssignee(o.welfareOfficer.actor, "open")).map((p) => p.id)).toEqual([
      a.id,
      b.id,
    ]);
    expect(await svc.listForAssignee(o.welfareOfficer.actor, "overdue")).toEqual([]);
    clock.set("2026-04-10T01:00:00Z");
    const overdue = await svc.listForAssignee(o.welfareOfficer.actor, "overdue");
    expect(overdue).toMatchObject([{ id: a.id, overdue: true, petitionerName: "Б.Болд" }]);
    // The clerk and the head follow the whole organisation's open petitions.
    expect((await svc.listForOrg(o.clerk.actor, "overdue")).map((p) => p.id)).toEqual([a.id]);
    expect((await svc.listForOrg(o.head.actor, "open")).map((p) => p.id)).toEqual([a.id, b.id]);
    await expect(svc.listForOrg(o.welfareHead.actor)).rejects.toMatchObject({
      key: "common:errors.forbidden",
    });

    const ids = async (q: string) => (await svc.search(o.clerk.actor, q)).map((p) => p.id);
    expect(await ids("ӨГ-2026-000002")).toEqual([b.id]);
    expect(await ids("000001")).toEqual([a.id]);
    expect(await ids("өг-2026")).toEqual([b.id, a.id]);
    expect(await ids("дорж")).toEqual([b.id]);
    expect(await ids("8877 6655")).toEqual([b.id]);
    expect(await ids("6655")).toEqual([b.id]);
    expect(await ids("99112233")).toEqual([a.id]);
    expect(await ids("   ")).toEqual([]);
    // An official searches only among their own petitions.
    expect(await svc.search(o.landOfficer.actor, "ӨГ-2026")).toEqual([]);
  });

  it("numbers are consecutive per organisation and year, and a rolled-back registration leaves no gap", async () => {
    const { prisma } = db();
    const citizen = await makeCitizen(prisma);
    const other = await makeOrg(prisma, {
      slug: "orkhon",
      name: "Орхон аймгийн ЗДТГ",
      settings: { petitions: { numberPrefix: "ОРХ" } },
    });
    const n1 = await svc.submitFromCitizen(citizen.id, draft(o.org.id));
    const m1 = await svc.submitFromCitizen(citizen.id, draft(other.id));
    // The same intake registered twice at once (two deliveries of one Submit): one petition,
    // and the registration that lost the race gives its number back.
    const [r1, r2] = await Promise.all([
      svc.submitFromCitizen(citizen.id, draft(o.org.id), { intakeKey: "race" }),
      svc.submitFromCitizen(citizen.id, draft(o.org.id), { intakeKey: "race" }),
    ]);
    expect(r2).toEqual(r1);
    expect(r1.number).toBe("ӨГ-2026-000002");
    // A citizen's submission that fails validation never touches the counter.
    await expect(
      svc.submitFromCitizen(citizen.id, draft(o.org.id, { text: "богино" })),
    ).rejects.toMatchObject({
      key: "petitions:errors.textTooShort",
      field: "text",
    });
    const n2 = await svc.submitFromCitizen(citizen.id, draft(o.org.id));
    expect([n1.number, n2.number, m1.number]).toEqual([
      "ӨГ-2026-000001",
      "ӨГ-2026-000003",
      "ОРХ-2026-000001",
    ]);
    expect(await prisma.petitionCounter.findMany({ orderBy: { orgId: "asc" } })).toEqual([
      { orgId: o.org.id, year: 2026, lastSeq: 3 },
      { orgId: other.id, year: 2026, lastSeq: 1 },
    ]);
    // Six digits, then as many as the number needs.
    await prisma.petitionCounter.update({
      where: { orgId_year: { orgId: other.id, year: 2026 } },
      data: { lastSeq: 1_234_566 },
    });
    expect((await svc.submitFromCitizen(citizen.id, draft(other.id))).number).toBe("ОРХ-2026-1234567");
  });

  it("a clerk without a linked chat account is skipped; the organisation head steps in when there is no clerk", async () => {
    const { prisma } = db();
    const org = await makeOrg(prisma, { slug: "bugat", name: "Бугат сумын ЗДТГ" });
    const head = await makeStaff(prisma, org.id, { fullName: "О.Бат", roles: ["ORG_HEAD"] });
    const citizen = await makeCitizen(prisma);
    const sub = await svc.submitFromCitizen(citizen.id, draft(org.id));
    expect((await outbox()).map((n) => [n.kind, n.personId])).toEqual([["petition.new", head.personId]]);
    const unlinked = await makeStaff(prisma, org.id, {
      fullName: "П.Сод",
      roles: ["PETITION_CLERK"],
      linked: false,
    });
    await svc.submitFromCitizen(citizen.id, draft(org.id));
    expect((await outbox()).length).toBe(1);
    expect(unlinked.userId).toBe(0);
    expect((await svc.clerkQueue(head.actor)).map((p) => p.id)[0]).toBe(sub.id);
  });
});
