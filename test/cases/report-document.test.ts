import { describe, expect, it } from "vitest";
import { tFor } from "../../src/i18n";
import { type ReportData, renderReport, reportParts } from "../../src/messages/report-document";

const cadet: ReportData["student"] = {
  fullName: "Нұрғалиев Әбілқайыр Сәкенұлы",
  rank: "курсант",
  category: "cadet",
  faculty: "Тергеу факультеті",
  course: "2",
  groupName: "Т-21",
  sendingUnit: "",
};

describe("the formal report document (cl. 19, 25; D10)", () => {
  it("own will, in Kazakh, addressed to the head", () => {
    const text = renderReport({
      ground: "own_will",
      reasons: "Отбасылық жағдайыма байланысты.",
      conscriptServed: false,
      phone: "+7 700 123 45 67",
      lang: "kk",
      date: "2026-03-20",
      headTitle: "ҰҚК Академиясының бастығына",
      student: cadet,
    });
    expect(text).toBe(
      [
        "ҰҚК Академиясының бастығына\nкурсант Нұрғалиев Әбілқайыр Сәкенұлы\nкурсант (тыңдаушы), Тергеу факультеті, 2-курс, Т-21 оқу тобы",
        "<b>БАЯНАТ</b>",
        "ҚР ҰҚК Төрағасының 2024 жылғы 4 маусымдағы № 75/қе бұйрығымен бекітілген Қағидалардың 4-тарауына сәйкес мені өз еркім бойынша оқу орнынан шығарып жіберуіңізді сұраймын.\n" +
          "Себептері: Отбасылық жағдайыма байланысты.\n" +
          "Әскерге шақыру бойынша әскери қызметтің белгіленген мерзімін өткерген жоқпын.\n" +
          "Байланыс телефоны: +7 700 123 45 67",
        "20.03.2026   курсант Нұрғалиев Әбілқайыр Сәкенұлы",
      ].join("\n\n"),
    );
  });

  it("contract refusal, in Russian, for a master's student with the sending unit", () => {
    const text = renderReport({
      ground: "contract_refusal",
      reasons: "Не согласен с условиями контракта.",
      conscriptServed: true,
      phone: null,
      lang: "ru",
      date: "2026-11-26",
      headTitle: "Начальнику Академии КНБ",
      student: {
        ...cadet,
        rank: "капитан",
        category: "masters",
        sendingUnit: "ДКНБ по Алматинской области",
        sex: "M",
      },
    });
    expect(text).toBe(
      [
        "Начальнику Академии КНБ\nкапитан Нұрғалиев Әбілқайыр Сәкенұлы\nмагистрант, Тергеу факультеті, 2 курс, группа Т-21\nНаправившее подразделение: ДКНБ по Алматинской области",
        "<b>РАПОРТ</b>",
        "Прошу отчислить меня из учебного заведения в связи с отказом от заключения контракта о прохождении службы в соответствии с главой 6 Правил, утверждённых приказом Председателя КНБ Республики Казахстан от 4 июня 2024 года № 75/қе.\n" +
          "Причины: Не согласен с условиями контракта.\n" +
          "Воинскую службу по призыву проходил.",
        "26.11.2026   капитан Нұрғалиев Әбілқайыр Сәкенұлы",
      ].join("\n\n"),
    );
  });

  it("termination of citizenship (ch. 5), in Kazakh: the Decree and the circumstances, no conscript line (D11)", () => {
    const text = renderReport({
      ground: "citizenship",
      reasons: "ҚР Президентінің 2026 жылғы 2 наурыздағы № 845 Жарлығы.",
      conscriptServed: true,
      phone: "+7 700 123 45 67",
      lang: "kk",
      date: "2026-04-06",
      headTitle: "ҰҚК Академиясының бастығына",
      student: cadet,
    });
    expect(text).toBe(
      [
        "ҰҚК Академиясының бастығына\nкурсант Нұрғалиев Әбілқайыр Сәкенұлы\nкурсант (тыңдаушы), Тергеу факультеті, 2-курс, Т-21 оқу тобы",
        "<b>БАЯНАТ</b>",
        "ҚР ҰҚК Төрағасының 2024 жылғы 4 маусымдағы № 75/қе бұйрығымен бекітілген Қағидалардың 5-тарауына сәйкес Қазақстан Республикасының азаматтығымның тоқтатылуына байланысты мені оқу орнынан шығарып жіберуіңізді сұраймын. Қазақстан Республикасы Президентінің Жарлығы қоса беріліп отыр.\n" +
          "Жарлық және мән-жайлар: ҚР Президентінің 2026 жылғы 2 наурыздағы № 845 Жарлығы.\n" +
          "Байланыс телефоны: +7 700 123 45 67",
        "06.04.2026   курсант Нұрғалиев Әбілқайыр Сәкенұлы",
      ].join("\n\n"),
    );
  });

  it("ch. 5 in either language, whatever the answer and the sex, as HTML and as a file's text: no conscript line (D11)", () => {
    for (const lang of ["kk", "ru"] as const) {
      const t = tFor(lang);
      const reasons = "Указ Президента РК от 2 марта 2026 года № 845.";
      for (const conscriptServed of [true, false])
        for (const sex of ["M", "F", null])
          for (const html of [true, false]) {
            const d: ReportData = {
              ground: "citizenship",
              reasons,
              conscriptServed,
              phone: null,
              lang,
              date: "2026-04-06",
              headTitle: "—",
              student: { ...cadet, sex },
            };
            expect(reportParts(d, html).body).toEqual([
              t("doc.body_citizenship"),
              t("doc.reasons_citizenship", { reasons }),
            ]);
            // The same learner on own will: the line is there.
            const own = reportParts({ ...d, ground: "own_will" }, html).body;
            expect(own).toHaveLength(3);
            expect(own[2]).toMatch(lang === "kk" ? /әскери қызметтің/ : /по призыву/);
          }
    }
  });

  describe("Russian agrees with the learner's sex from the roster; unknown: a wording without agreement (14.6)", () => {
    const ru = (sex: string | null, conscriptServed: boolean) =>
      renderReport({
        ground: "own_will",
        reasons: "По семейным обстоятельствам.",
        conscriptServed,
        phone: null,
        lang: "ru",
        date: "2026-03-20",
        headTitle: "Начальнику Академии КНБ",
        student: { ...cadet, fullName: "Ахметова Дана Болатқызы", sex },
      });
    const text = (conscriptLine: string) =>
      [
        "Начальнику Академии КНБ\nкурсант Ахметова Дана Болатқызы\nкурсант (слушатель), Тергеу факультеті, 2 курс, группа Т-21",
        "<b>РАПОРТ</b>",
        "Прошу отчислить меня из учебного заведения по собственному желанию в соответствии с главой 4 Правил, утверждённых приказом Председателя КНБ Республики Казахстан от 4 июня 2024 года № 75/қе.\n" +
          "Причины: По семейным обстоятельствам.\n" +
          conscriptLine,
        "20.03.2026   курсант Ахметова Дана Болатқызы",
      ].join("\n\n");

    it("a male learner: «проходил» / «не проходил»", () => {
      expect(ru("M", false)).toBe(text("Воинскую службу по призыву не проходил."));
      expect(ru("M", true)).toBe(text("Воинскую службу по призыву проходил."));
    });

    it("a female learner: «проходила» / «не проходила»", () => {
      expect(ru("F", false)).toBe(text("Воинскую службу по призыву не проходила."));
      expect(ru("F", true)).toBe(text("Воинскую службу по призыву проходила."));
    });

    it("an unknown sex (no column, an empty cell, or a report stored before the column): no gendered verb", () => {
      for (const sex of [null, "", undefined]) {
        expect(ru(sex as string | null, false)).toBe(text("Воинская служба по призыву: не пройдена."));
        expect(ru(sex as string | null, true)).toBe(text("Воинская служба по призыву: пройдена."));
      }
      expect(ru(null, false)).not.toMatch(/проходил|\(а\)/);
    });

    it("Kazakh has no grammatical gender: the same text whatever the sex", () => {
      const kk = (sex: string | null) =>
        renderReport({
          ground: "own_will",
          reasons: "Отбасылық жағдайыма байланысты.",
          conscriptServed: false,
          phone: null,
          lang: "kk",
          date: "2026-03-20",
          headTitle: "ҰҚК Академиясының бастығына",
          student: { ...cadet, sex },
        });
      expect(kk("F")).toBe(kk("M"));
      expect(kk(null)).toBe(kk("M"));
      expect(kk("F")).toContain(
        "Әскерге шақыру бойынша әскери қызметтің белгіленген мерзімін өткерген жоқпын.",
      );
    });
  });

  it("shows HTML in names and reasons as text, never as markup", () => {
    const text = renderReport({
      ground: "own_will",
      reasons: '<b>bold</b> & <a href="x">link</a>',
      conscriptServed: true,
      phone: null,
      lang: "ru",
      date: "2026-03-20",
      headTitle: "Начальнику <i>Академии</i>",
      student: { ...cadet, fullName: "<script>alert(1)</script>" },
    });
    expect(text).toContain(
      "Причины: &lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href=&quot;x&quot;&gt;link&lt;/a&gt;",
    );
    expect(text).toContain("&lt;script&gt;");
    expect(text).toContain("Начальнику &lt;i&gt;Академии&lt;/i&gt;");
    expect(text.replace("<b>РАПОРТ</b>", "")).not.toMatch(/<[a-z/]/i);
  });
});
