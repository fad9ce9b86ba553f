import { beforeEach, describe, expect, it } from "vitest";
import { PetitionService } from "../../src/petitions/petition-service.js";
import { quarterRange } from "../../src/petitions/statistics.js";
import { ManualClock } from "../../src/shared/clock.js";
import { useTestDatabase } from "../support/db.js";
import { draft, makeCitizen, makeOffice, type Office } from "./fixtures.js";

describe("petition statistics", () => {
  const db = useTestDatabase();
  let clock: ManualClock;
  let svc: PetitionService;
  let o: Office;

  beforeEach(async () => {
    clock = new ManualClock("2025-12-20T02:00:00Z");
    svc = new PetitionService({ prisma: db().prisma, clock });
    o = await makeOffice(db().prisma);
  });

  /**
   * Q1 2026 in Ulaanbaatar, seven petitions received:
   * P1 bot request (welfare), received 5 Jan, answered 15 Jan (on time, 10 days), rated 5
   * P2 bot complaint (welfare), received 10 Jan, answered 12 Feb (late, 33 days), rated 2
   * P3 bot suggestion (other topic), received 1 Feb, forwarded 3 Feb
   * P4 written request (land) from a company, received 10 Feb, registered 11 Feb, open: overdue since 12 Mar
   * P5 11-11 criticism (no topic), received 20 Mar, open
   * P6 anonymous gratitude (no topic), received 1 Mar, withdrawn 2 Mar
   * P7 phone request (welfare) from a civil servant, received 5 Mar, answered 2 Apr (after the quarter)
   * Outside: P8 received 20 Dec 2025 and answered in January; one petition of another organisation.
   */
  async function knownDataSet() {
    const { prisma } = db();
    const citizen = await makeCitizen(prisma);
    const other = await makeOffice(prisma, { slug: "other" });
    const at = (iso: string) => clock.set(iso);
    const assignTo = async (id: number) => {
      await svc.assign(o.clerk.actor, id, { personId: o.welfareOfficer.personId });
    };
    const answer = (id: number) =>
      svc.answer(o.welfareOfficer.actor, id, { text: "Хүсэлтийн дагуу шийдвэрлэлээ." });

    at("2025-12-20T02:00:00Z");
    const p8 = await svc.submitFromCitizen(citizen.id, draft(o.org.id, { topicId: o.topics.welfare.id }));
    await assignTo(p8.id);

    at("2026-01-03T02:00:00Z");
    await answer(p8.id);

    at("2026-01-05T02:00:00Z");
    const p1 = await svc.submitFromCitizen(citizen.id, draft(o.org.id, { topicId: o.topics.welfare.id }));
    await assignTo(p1.id);
    at("2026-01-10T02:00:00Z");
    const p2 = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, { topicId: o.topics.welfare.id, kind: "COMPLAINT" }),
    );
    await svc.submitFromCitizen(citizen.id, draft(other.org.id));
    at("2026-01-15T05:00:00Z");
    await answer(p1.id);
    await svc.rate(citizen.id, p1.id, 5);

    at("2026-02-01T02:00:00Z");
    const p3 = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, { topicId: o.topics.other.id, kind: "SUGGESTION" }),
    );
    at("2026-02-03T02:00:00Z");
    await svc.forward(o.clerk.actor, p3.id, {
      toName: "Сүхбаатар сумын ЗДТГ",
      reason: "Сумын эрх хэмжээний асуудал.",
    });

    at("2026-02-11T02:00:00Z");
    await svc.registerByStaff(o.clerk.actor, {
      channel: "WRITTEN",
      receivedAt: "2026-02-10",
      senderType: "LEGAL_ENTITY",
      kind: "REQUEST",
      topicId: o.topics.land.id,
      text: "Үйлдвэрийн зориулалттай газар олгох хүсэлт.",
      petitionerName: "Сэлэнгэ Трейд ХХК",
      phone: "70361234",
      address: "Сүхбаатар сум, 1-р баг",
    });
    at("2026-02-12T09:00:00Z");
    await answer(p2.id);
    await svc.rate(citizen.id, p2.id, 2);

    at("2026-03-01T02:00:00Z");
    const p6 = await svc.submitFromCitizen(
      citizen.id,
      draft(o.org.id, { kind: "GRATITUDE", anonymous: true, petitionerName: "", phone: "" }),
    );
    at("2026-03-02T02:00:00Z");
    await svc.withdraw(citizen.id, p6.id);

    at("2026-03-05T03:00:00Z");
    const p7 = await svc.registerByStaff(o.clerk.actor, {
      channel: "PHONE",
      receivedAt: "2026-03-05T10:30:00+08:00",
      senderType: "CIVIL_SERVANT",
      kind: "REQUEST",
      topicId: o.topics.welfare.id,
      text: "Хүүхдийн мөнгө олгогдоогүй байна.",
      petitionerName: "Л.Уянга",
      phone: "99887766",
    });
    await assignTo(p7.id);

    at("2026-03-20T02:00:00Z");
    await svc.registerByStaff(o.clerk.actor, {
      channel: "GOV_11_11",
      receivedAt: "2026-03-20",
      kind: "CRITICISM",
      text: "Үйлчилгээний ажилтан иргэдэд хүндэтгэлгүй хандаж байна.",
      petitionerName: "Ч.Баатар",
      phone: "95112233",
    });

    at("2026-04-02T02:00:00Z");
    await answer(p7.id);
    at("2026-04-05T02:00:00Z");
  }

  it("counts a quarter exactly, as of its end", async () => {
    await knownDataSet();
    const range = quarterRange(2026, 1);
    const stats = await svc.statistics(o.clerk.actor, { orgId: o.org.id, ...range });
    expect(stats).toEqual({
      range: {
        from: "2025-12-31T16:00:00.000Z",
        to: "2026-03-31T16:00:00.000Z",
        asOf: "2026-03-31T16:00:00.000Z",
      },
      received: {
        total: 7,
        byKind: { REQUEST: 3, COMPLAINT: 1, SUGGESTION: 1, CRITICISM: 1, GRATITUDE: 1 },
        byChannel: {
          BOT: 4,
          MESSENGER: 0,
          WRITTEN: 1,
          IN_PERSON: 0,
          PHONE: 1,
          EMAIL: 0,
          GOV_11_11: 1,
          OTHER: 0,
        },
        bySenderType: { CITIZEN: 5, LEGAL_ENTITY: 1, CIVIL_SERVANT: 1 },
        byTopic: [
          {
            topic: {
              id: o.topics.welfare.id,
              code: "HALAMJ",
              name: "Нийгмийн халамж",
              nameEn: "Social welfare",
            },
            count: 3,
          },
          { topic: null, count: 2 },
          { topic: { id: o.topics.other.id, code: "BUSAD", name: "Бусад", nameEn: "Other" }, count: 1 },
          {
            topic: { id: o.topics.land.id, code: "GAZAR", name: "Газар олголт", nameEn: "Land allocation" },
            count: 1,
          },
        ],
      },
      resolved: { total: 2, onTime: 1, late: 1 },
      forwarded: 1,
      withdrawn: 1,
      open: { total: 3, overdue: 1 },
      onTimeRate: 50,
      resolutionRate: 42.9,
      averageDaysToResolve: 21.5,
      satisfaction: { average: 3.5, count: 2 },
    });
  });

  it("counts the current quarter as of now, and other ranges by receipt date", async () => {
    await knownDataSet();
    // Q2 so far: nothing received yet (P7 was answered in Q2 but received in Q1).
    const q2 = await svc.statistics(o.welfareHead.actor, { orgId: o.org.id, ...quarterRange(2026, 2) });
    expect(q2.received.total).toBe(0);
    expect(q2.range.asOf).toBe("2026-04-05T02:00:00.000Z");
    expect(q2).toMatchObject({ onTimeRate: null, resolutionRate: null, averageDaysToResolve: null });
    // From 1 March to now: P5, P6, P7; P7 answered on 2 April, on time (due 4 April).
    const march = await svc.statistics(o.head.actor, {
      orgId: o.org.id,
      from: "2026-02-28T16:00:00Z",
      to: "2026-06-30T16:00:00Z",
    });
    expect(march).toMatchObject({
      received: { total: 3 },
      resolved: { total: 1, onTime: 1, late: 0 },
      withdrawn: 1,
      open: { total: 1, overdue: 0 },
      averageDaysToResolve: 28,
    });
    await expect(
      svc.statistics(o.clerk.actor, {
        orgId: o.org.id,
        from: "2026-04-01T00:00:00Z",
        to: "2026-01-01T00:00:00Z",
      }),
    ).rejects.toMatchObject({ key: "petitions:errors.rangeInvalid" });
  });

  it("the public summary has the figures and nothing personal", async () => {
    await knownDataSet();
    const summary = await svc.publicSummary(o.org.id, quarterRange(2026, 1));
    expect(summary).toMatchObject({
      org: { name: "Сэлэнгэ аймгийн Засаг даргын Тамгын газар" },
      received: { total: 7 },
      resolved: { total: 2 },
      satisfaction: { average: 3.5, count: 2 },
    });
    const json = JSON.stringify(summary);
    for (const personal of [
      "Б.Болд",
      "9911",
      "Сэлэнгэ Трейд",
      "Уянга",
      "шийдвэрлэлээ",
      "Сүхбаатар сум",
      "Энхжаргал",
    ]) {
      expect(json).not.toContain(personal);
    }
  });
});
