import { beforeEach, describe, expect, it } from "vitest";
import { PetitionService } from "../../src/petitions/petition-service.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { citizenActor, draft, makeCitizen, makeOffice, makeStaff, type Office } from "./fixtures.js";

const NOT_FOUND = { key: "common:errors.notFound" };
const FORBIDDEN = { key: "common:errors.forbidden" };

describe("petition permissions and state rules", () => {
  const db = useTestDatabase();
  let clock: ManualClock;
  let svc: PetitionService;
  let o: Office;
  let b: Office;

  beforeEach(async () => {
    clock = new ManualClock("2026-03-10T01:00:00Z");
    svc = new PetitionService({ prisma: db().prisma, clock });
    o = await makeOffice(db().prisma, { slug: "selenge" });
    b = await makeOffice(db().prisma, { slug: "darkhan" });
  });

  /** A welfare complaint: routed straight to the welfare officer. */
  async function welfareComplaint(userId: number, office = o) {
    return svc.submitFromCitizen(
      userId,
      draft(office.org.id, { topicId: office.topics.welfare.id, kind: "COMPLAINT" }),
    );
  }

  it("citizen B cannot read or touch citizen A's petition", async () => {
    const { prisma } = db();
    const a = await makeCitizen(prisma);
    const bUser = await makeCitizen(prisma);
    const p = await welfareComplaint(a.id);
    await expect(svc.cardForCitizen(bUser.id, p.id)).rejects.toMatchObject(NOT_FOUND);
    await expect(svc.addInfo(bUser.id, p.id, "Би ч бас нэмье гэсэн юм.")).rejects.toMatchObject(NOT_FOUND);
    await expect(svc.withdraw(bUser.id, p.id)).rejects.toMatchObject(NOT_FOUND);
    await expect(svc.rate(bUser.id, p.id, 1)).rejects.toMatchObject(NOT_FOUND);
    await expect(svc.citizenReply(bUser.id, p.id, "Хариу өгье гэсэн юм.")).rejects.toMatchObject(NOT_FOUND);
    expect(await svc.listForCitizen(bUser.id)).toEqual([]);
    // A citizen is no staff member.
    await expect(svc.cardForStaff(citizenActor(bUser.id), p.id)).rejects.toMatchObject(NOT_FOUND);
    await expect(svc.accept(citizenActor(a.id), p.id)).rejects.toMatchObject(NOT_FOUND);
    await expect(svc.clerkQueue(citizenActor(a.id))).rejects.toMatchObject(FORBIDDEN);
    await expect(svc.search(citizenActor(a.id), "ӨГ")).rejects.toMatchObject(FORBIDDEN);
    expect((await prisma.petition.findUniqueOrThrow({ where: { id: p.id } })).status).toBe("ASSIGNED");
  });

  it("an official acts only on petitions assigned to them; a unit head within their unit", async () => {
    const citizen = await makeCitizen(db().prisma);
    const p = await welfareComplaint(citizen.id); // assigned to the welfare officer
    // Another unit's official and head do not even see it.
    for (const outsider of [o.landOfficer, o.landHead]) {
      await expect(svc.cardForStaff(outsider.actor, p.id)).rejects.toMatchObject(NOT_FOUND);
      await expect(svc.accept(outsider.actor, p.id)).rejects.toMatchObject(NOT_FOUND);
      await expect(
        svc.answer(outsider.actor, p.id, { text: "Шийдвэрлэсэн гэж үзье." }),
      ).rejects.toMatchObject(NOT_FOUND);
      await expect(svc.assign(outsider.actor, p.id, { personId: outsider.personId })).rejects.toMatchObject(
        NOT_FOUND,
      );
    }
    // A colleague of the same unit who is not the assignee does not see it either.
    await expect(svc.cardForStaff(o.welfareOfficer2.actor, p.id)).rejects.toMatchObject(NOT_FOUND);
    expect(await svc.listForAssignee(o.welfareOfficer2.actor)).toEqual([]);

    // The welfare head sees it, may reassign within the unit, but not work it as assignee.
    const card = await svc.cardForStaff(o.welfareHead.actor, p.id);
    expect(card.allowedActions).toEqual(["assign"]);
    await expect(svc.accept(o.welfareHead.actor, p.id)).rejects.toMatchObject({
      key: "petitions:errors.notAssignee",
    });
    await expect(
      svc.forward(o.welfareHead.actor, p.id, { toName: "Өөр газар", reason: "Шалтгаан" }),
    ).rejects.toMatchObject({
      key: "petitions:errors.notAssignee",
    });
    await expect(
      svc.assign(o.welfareHead.actor, p.id, { personId: o.landOfficer.personId }),
    ).rejects.toMatchObject({
      key: "petitions:errors.assigneeOutsideUnit",
    });
    await svc.assign(o.welfareHead.actor, p.id, { personId: o.welfareOfficer2.personId });
    await expect(svc.accept(o.welfareOfficer.actor, p.id)).rejects.toMatchObject(NOT_FOUND);
    await svc.accept(o.welfareOfficer2.actor, p.id);

    // An official cannot assign, not even their own petition.
    await expect(
      svc.assign(o.welfareOfficer2.actor, p.id, { personId: o.welfareOfficer.personId }),
    ).rejects.toMatchObject(FORBIDDEN);
    // Only clerks and admins register paper petitions; only clerks and the head see the queue.
    await expect(
      svc.registerByStaff(o.welfareOfficer.actor, {
        channel: "WRITTEN",
        receivedAt: "2026-03-09",
        kind: "REQUEST",
        text: "Цаасаар ирсэн өргөдөл байна.",
        petitionerName: "Д.Дулам",
        phone: "99001122",
        address: "Сүхбаатар сум, 5-р баг",
      }),
    ).rejects.toMatchObject(FORBIDDEN);
    await expect(svc.clerkQueue(o.welfareHead.actor)).rejects.toMatchObject(FORBIDDEN);
    await expect(svc.listForUnitHead(o.welfareOfficer.actor)).rejects.toMatchObject(FORBIDDEN);
  });

  it("one organisation's staff never see another's petitions", async () => {
    const { prisma } = db();
    const citizen = await makeCitizen(prisma);
    const inB = await welfareComplaint(citizen.id, b);
    const inA = await svc.submitFromCitizen(citizen.id, draft(o.org.id));
    for (const staff of [o.clerk, o.head, o.orgAdmin]) {
      await expect(svc.cardForStaff(staff.actor, inB.id)).rejects.toMatchObject(NOT_FOUND);
      await expect(
        svc.forward(staff.actor, inB.id, { toName: "Өөр газар", reason: "Шалтгаан" }),
      ).rejects.toMatchObject(NOT_FOUND);
    }
    await expect(
      svc.assign(o.clerk.actor, inB.id, { personId: o.welfareOfficer.personId }),
    ).rejects.toMatchObject(NOT_FOUND);
    // Nor assign their petition to another organisation's official.
    await expect(
      svc.assign(o.clerk.actor, inA.id, { personId: b.welfareOfficer.personId }),
    ).rejects.toMatchObject({
      key: "petitions:errors.assigneeNotFound",
    });
    expect((await svc.clerkQueue(o.clerk.actor)).map((p) => p.id)).toEqual([inA.id]);
    expect((await svc.clerkQueue(b.clerk.actor)).map((p) => p.id)).toEqual([]);
    expect((await svc.search(o.clerk.actor, "ӨГ-2026-000001")).map((p) => p.id)).toEqual([inA.id]);
    expect((await svc.search(b.clerk.actor, "ӨГ-2026-000001")).map((p) => p.id)).toEqual([inB.id]);
    await expect(
      svc.statistics(o.clerk.actor, {
        orgId: b.org.id,
        from: "2026-01-01T00:00:00Z",
        to: "2026-04-01T00:00:00Z",
      }),
    ).rejects.toMatchObject(NOT_FOUND);
    // An organisation admin reads statistics but does not browse petitions.
    await expect(svc.cardForStaff(o.orgAdmin.actor, inA.id)).rejects.toMatchObject(NOT_FOUND);
    const stats = await svc.statistics(o.orgAdmin.actor, {
      orgId: o.org.id,
      from: "2026-01-01T00:00:00Z",
      to: "2026-04-01T00:00:00Z",
    });
    expect(stats.received.total).toBe(1);
    await expect(
      svc.statistics(o.welfareOfficer.actor, {
        orgId: o.org.id,
        from: "2026-01-01T00:00:00Z",
        to: "2026-04-01T00:00:00Z",
      }),
    ).rejects.toMatchObject(FORBIDDEN);
  });

  it("forged or malformed petition ids are simply not found", async () => {
    const citizen = await makeCitizen(db().prisma);
    await welfareComplaint(citizen.id);
    for (const id of [999_999, 0, -1, 2 ** 40, 1.5, Number.NaN]) {
      await expect(svc.cardForStaff(o.clerk.actor, id)).rejects.toMatchObject(NOT_FOUND);
      await expect(svc.accept(o.welfareOfficer.actor, id)).rejects.toMatchObject(NOT_FOUND);
      await expect(svc.cardForCitizen(citizen.id, id)).rejects.toMatchObject(NOT_FOUND);
      await expect(svc.rate(citizen.id, id, 5)).rejects.toMatchObject(NOT_FOUND);
    }
    await expect(svc.submitFromCitizen(citizen.id, draft(999_999))).rejects.toMatchObject(NOT_FOUND);
    await expect(svc.submitFromCitizen(999_999, draft(o.org.id))).rejects.toMatchObject(NOT_FOUND);
    // An inactive organisation takes no new petitions.
    await db().prisma.organization.update({ where: { id: o.org.id }, data: { active: false } });
    await expect(svc.intakeOptions(o.org.id)).rejects.toMatchObject(NOT_FOUND);
    await expect(svc.submitFromCitizen(citizen.id, draft(o.org.id))).rejects.toMatchObject(NOT_FOUND);
  });

  it("refuses invalid transitions with a clear reason", async () => {
    const { prisma } = db();
    const citizen = await makeCitizen(prisma);
    const p = await welfareComplaint(citizen.id);
    const officer = o.welfareOfficer.actor;

    await expect(svc.rate(citizen.id, p.id, 5)).rejects.toMatchObject({
      key: "petitions:errors.notAnswered",
    });
    await expect(svc.citizenReply(citizen.id, p.id, "Хариулт өгье гэсэн юм.")).rejects.toMatchObject({
      key: "petitions:errors.noQuestion",
    });
    await expect(svc.approveAnswer(o.welfareHead.actor, p.id)).rejects.toMatchObject({
      key: "petitions:errors.notInReview",
    });
    await expect(svc.decideExtension(o.welfareHead.actor, p.id, { approve: true })).rejects.toMatchObject({
      key: "petitions:errors.noPendingExtension",
    });
    await svc.accept(officer, p.id);
    await expect(svc.accept(officer, p.id)).rejects.toMatchObject({
      key: "petitions:errors.alreadyAccepted",
    });
    await expect(
      svc.assign(o.clerk.actor, p.id, { personId: o.welfareOfficer.personId }),
    ).rejects.toMatchObject({
      key: "petitions:errors.alreadyAssigned",
    });

    // Extension: at most the organisation's maximum, with a reason, decided by a head, only once.
    await expect(
      svc.requestExtension(officer, p.id, { days: 31, reason: "Хугацаа хэрэгтэй." }),
    ).rejects.toMatchObject({
      key: "petitions:errors.extensionDaysInvalid",
      params: { max: 30 },
    });
    await expect(svc.requestExtension(officer, p.id, { days: 5, reason: "  " })).rejects.toMatchObject({
      key: "petitions:errors.reasonRequired",
    });
    await svc.requestExtension(officer, p.id, { days: 5, reason: "Шинжээчийн дүгнэлт хүлээж байна." });
    await expect(svc.decideExtension(officer, p.id, { approve: true })).rejects.toMatchObject({
      key: "petitions:errors.notHead",
    });
    await expect(svc.decideExtension(o.clerk.actor, p.id, { approve: true })).rejects.toMatchObject({
      key: "petitions:errors.notHead",
    });
    await expect(svc.decideExtension(o.welfareHead.actor, p.id, { approve: false })).rejects.toMatchObject({
      key: "petitions:errors.reasonRequired",
    });
    await svc.decideExtension(o.welfareHead.actor, p.id, {
      approve: false,
      note: "Хугацаандаа шийдвэрлэх боломжтой.",
    });
    const [refused] = await prisma.notification.findMany({ where: { kind: "petition.extensionRefused" } });
    expect(refused?.payload).toMatchObject({ params: { note: "Хугацаандаа шийдвэрлэх боломжтой." } });
    await expect(svc.decideExtension(o.head.actor, p.id, { approve: true })).rejects.toMatchObject({
      key: "petitions:errors.noPendingExtension",
    });
    await expect(
      svc.requestExtension(officer, p.id, { days: 5, reason: "Дахин хүсье." }),
    ).rejects.toMatchObject({
      key: "petitions:errors.extensionAlreadyRequested",
    });
    expect((await prisma.petition.findUniqueOrThrow({ where: { id: p.id } })).dueAt).toEqual(
      new Date("2026-04-09T15:59:59.999Z"),
    );

    // Answer, then nothing more can change; the citizen rates once, 1–5.
    await expect(svc.answer(officer, p.id, { text: "Тийм" })).rejects.toMatchObject({
      key: "petitions:errors.answerTooShort",
      params: { min: 10 },
    });
    await svc.answer(officer, p.id, { text: "Гомдлыг хүлээн авч, зөрчлийг арилгалаа." });
    await expect(svc.answer(officer, p.id, { text: "Дахин нэг хариу байна." })).rejects.toMatchObject({
      key: "petitions:errors.closed",
    });
    await expect(svc.returnToClerk(officer, p.id, "Буцаая")).rejects.toMatchObject({
      key: "petitions:errors.closed",
    });
    await expect(
      svc.assign(o.clerk.actor, p.id, { personId: o.welfareOfficer2.personId }),
    ).rejects.toMatchObject({
      key: "petitions:errors.closed",
    });
    await expect(svc.addInfo(citizen.id, p.id, "Нэмэлт мэдээлэл байна.")).rejects.toMatchObject({
      key: "petitions:errors.closed",
    });
    await expect(svc.rate(citizen.id, p.id, 6)).rejects.toMatchObject({
      key: "petitions:errors.ratingInvalid",
    });
    await svc.rate(citizen.id, p.id, 4);
    await expect(svc.rate(citizen.id, p.id, 5)).rejects.toMatchObject({
      key: "petitions:errors.alreadyRated",
    });

    // Nothing is ever deleted: every attempt that succeeded left one event.
    const events = await prisma.petitionEvent.findMany({
      where: { petitionId: p.id },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.type)).toEqual([
      "REGISTERED",
      "ASSIGNED",
      "ACCEPTED",
      "EXTENSION_REQUESTED",
      "EXTENSION_REFUSED",
      "ANSWERED",
      "RATED",
    ]);
  });

  it("a unit head assigned a petition asks the organisation head for an extension, not themselves", async () => {
    const { prisma } = db();
    const citizen = await makeCitizen(prisma);
    const p = await svc.submitFromCitizen(citizen.id, draft(o.org.id));
    await svc.assign(o.clerk.actor, p.id, {
      personId: o.welfareHead.personId,
      note: "Та өөрөө шийдвэрлэнэ үү.",
    });
    await svc.requestExtension(o.welfareHead.actor, p.id, { days: 30, reason: "Ажлын хэсэг байгуулна." });
    const asked = await prisma.notification.findMany({
      where: { kind: "petition.extensionRequested" },
      include: { user: true },
    });
    expect(asked.map((n) => n.user.personId)).toEqual([o.head.personId]);
    await expect(svc.decideExtension(o.welfareHead.actor, p.id, { approve: true })).rejects.toMatchObject({
      key: "petitions:errors.notHead",
    });
    const r = await svc.decideExtension(o.head.actor, p.id, { approve: true, note: "Зөвшөөрөв." });
    expect(r.dueAt).toBe("2026-05-09T15:59:59.999Z");
  });

  it("staff-entered and citizen input errors name the field to ask again", async () => {
    const citizen = await makeCitizen(db().prisma);
    await expect(
      svc.submitFromCitizen(citizen.id, draft(o.org.id, { topicId: o.topics.land.id, address: "" })),
    ).rejects.toMatchObject({ key: "petitions:errors.addressRequired", field: "address" });
    await expect(
      svc.submitFromCitizen(citizen.id, draft(o.org.id, { topicId: b.topics.welfare.id })),
    ).rejects.toMatchObject({ key: "petitions:errors.topicNotFound", field: "topic" });
    await expect(
      svc.submitFromCitizen(citizen.id, draft(o.org.id, { kind: "COMPLAINT", anonymous: true })),
    ).rejects.toMatchObject({ key: "petitions:errors.anonymousNotAllowed", field: "anonymous" });
    await expect(
      svc.submitFromCitizen(
        citizen.id,
        draft(o.org.id, {
          attachments: Array.from({ length: 6 }, (_, i) => ({ kind: "PHOTO" as const, fileId: `f${i}` })),
        }),
      ),
    ).rejects.toMatchObject({ key: "petitions:errors.tooManyAttachments", params: { max: 5 } });
    const valid = await svc.validateIntake(o.org.id, draft(o.org.id, { phone: "+976 8800 1122" }));
    expect(valid.phone).toBe("+97688001122");
    // A topic taken out of use is not offered.
    await db().prisma.petitionTopic.create({
      data: { orgId: o.org.id, code: "AAA", name: "Хуучин сэдэв", active: false },
    });
    const options = await svc.intakeOptions(o.org.id);
    expect(options).toMatchObject({
      anonymousKinds: ["SUGGESTION", "GRATITUDE"],
      requireAddress: false,
      maxAttachments: 5,
      topics: [
        { code: "BUSAD", requiresAddress: false },
        { code: "GAZAR", requiresAddress: true },
        { code: "HALAMJ", requiresAddress: false },
      ],
    });
    expect(await db().prisma.petition.count()).toBe(0);
  });

  it("a clerk without the role of organisation head still may not decide on extensions; an inactive person gets nothing", async () => {
    const { prisma } = db();
    const gone = await makeStaff(prisma, o.org.id, {
      fullName: "Х.Гарсан",
      roles: ["OFFICIAL"],
      unitId: o.units.welfare.id,
    });
    await prisma.person.update({ where: { id: gone.personId }, data: { active: false } });
    const citizen = await makeCitizen(prisma);
    const p = await svc.submitFromCitizen(citizen.id, draft(o.org.id));
    await expect(svc.assign(o.clerk.actor, p.id, { personId: gone.personId })).rejects.toMatchObject({
      key: "petitions:errors.assigneeNotFound",
    });
    const card = await svc.cardForStaff(o.clerk.actor, p.id);
    expect(card.allowedActions).toEqual(["assign", "forward"]);
  });
});
