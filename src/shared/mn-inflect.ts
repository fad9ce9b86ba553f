/**
 * Case endings for Khalkha Mongolian in Cyrillic: names of people, organisations and units,
 * numbers and dates.
 *
 *   inflect("Аймгийн Засаг даргын Тамгын газар", "gen")  → "Аймгийн Засаг даргын Тамгын газрын"
 *   inflect("О.Сарантуяа", "com")                        → "О.Сарантуяатай"
 *   inflect("Аймгийн ЗДТГ", "dat")                        → "Аймгийн ЗДТГ-т"
 *   inflect("2027.01.09", "gen")                          → "2027.01.09-ний"
 *   inflect(2, "acc")                                     → "2-ыг"
 *   inflect("Acme LLC", "gen")                            → null (word it so it needs no ending)
 *
 * How the ending is chosen:
 * - Only the last word takes the ending (after an initial "Б." or a hyphen: "Бат-Эрдэнэ").
 * - Vowel harmony comes from the last vowel of that word that is not и (so a compound name
 *   follows its last part: Оюунчимэгийн, Отгонбатаас): а у (я ю) are back, о (ё) back and
 *   rounded, э ү (е) front, ө front and rounded; a word with only и is front.
 * - The shape of the ending depends on how the word ends: a short vowel (dropped before a
 *   vowel ending: Баттулгын, Эрдэнийн), a long vowel or diphthong (-гийн, -г, -гаас:
 *   Сарантуяагийн), н (-ы/-ий: Тэмүүлэний; or -гийн for the names in NG_STEMS), other
 *   consonants (-ын/-ийн; -ийн after ж ч ш г; dative -т after г в р с, -ад after д т х,
 *   -ид after ж ч ш).
 * - Fleeting vowels (газар → газрын) and hidden н (алба → албаны) are not guessed: they are
 *   listed in FLEETING and N_STEMS.
 * - Acronyms keep their hyphen and take the ending of the words they stand for (ИТХ-ын,
 *   ЗДТГ-т); only the ones in ACRONYMS are known.
 * - A word written in capitals (a title: "Н.ВАНСЭМБЭРҮҮ") is inflected as a word and the
 *   ending is written in capitals without a hyphen (Н.ВАНСЭМБЭРҮҮГИЙН).
 * - Numbers take the ending of the last spoken numeral (15 = арван тав → 15-ыг, 15-ны); a
 *   date ("2026.03.06") takes the form dates are read in (06-ны, 06-нд).
 * - Anything else (Latin script, a word ending in punctuation, an unknown acronym) gives null:
 *   the caller words the text so that no ending is needed.
 */

export const CASES = ["gen", "acc", "dat", "abl", "ins", "com", "dir"] as const;
/** Genitive, accusative, dative-locative, ablative, instrumental, comitative, directional. */
export type Case = (typeof CASES)[number];

export function isCase(x: unknown): x is Case {
  return typeof x === "string" && (CASES as readonly string[]).includes(x);
}

/** Harmony class: back (а), back rounded (о), front (э), front rounded (ө). */
type Harmony = "a" | "o" | "e" | "ö";

/** Nouns whose last vowel drops before a vowel ending: газар → газрын, газарт. */
export const FLEETING: Readonly<Record<string, string>> = {
  газар: "газр",
  хэлтэс: "хэлтс",
  аймаг: "аймг",
  засаг: "засг",
  тасаг: "тасг",
  дүүрэг: "дүүрг",
  хурал: "хурл",
  ажил: "ажл",
  хөгжил: "хөгжл",
  асуудал: "асуудл",
  хэрэг: "хэрг",
  бичиг: "бичг",
  бусад: "бусд",
  мэргэжилтэн: "мэргэжилтн",
  ажилтан: "ажилтн",
  өргөдөл: "өргөдл",
  гомдол: "гомдл",
  талархал: "талархл",
};

/** Nouns with a hidden н in the genitive, dative and ablative: алба → албаны, албанд, албанаас. */
export const N_STEMS: ReadonlySet<string> = new Set(["алба", "захиргаа", "хороо", "яам", "үйлчилгээ", "ус"]);

/** Names whose final н is read "нг": -гийн, -гаас (Должингийн, Сүрэнгийн). Matched on the word's end. */
export const NG_STEMS: readonly string[] = ["сүрэн", "должин", "баясгалан", "жаргалан", "байшин"];

/** Acronyms and the word their endings follow: ЗДТГ (…Тамгын газар) → ЗДТГ-ын, ЗДТГ-т. */
export const ACRONYMS: Readonly<Record<string, string>> = {
  ЗДТГ: "газар",
  ЗГ: "газар",
  ИТХ: "хурал",
  ТББ: "байгууллага",
  ХХК: "компани",
  ХЗДТГ: "газар",
  НЗДТГ: "газар",
};

const BACK = "ауяю";
const BACK_ROUND = "оё";
const FRONT = "эүе";
const FRONT_ROUND = "ө";
const VOWELS = "аоуэөүиыяеёю";

function harmonyOf(word: string): Harmony {
  for (let i = word.length - 1; i >= 0; i--) {
    const c = word[i]!;
    if (BACK.includes(c)) return "a";
    if (BACK_ROUND.includes(c)) return "o";
    if (FRONT.includes(c)) return "e";
    if (FRONT_ROUND.includes(c)) return "ö";
  }
  return "e";
}

const SHORT: Record<Harmony, string> = { a: "а", o: "о", e: "э", ö: "ө" };
const isBack = (h: Harmony) => h === "a" || h === "o";
const long = (h: Harmony) => SHORT[h] + SHORT[h];
const withT = (h: Harmony) => (h === "a" ? "тай" : h === "o" ? "той" : "тэй");
const dirWord = (word: string, h: Harmony) => (word.endsWith("р") ? " л" : " р") + (isBack(h) ? "уу" : "үү");

/** Word + ending as written, and the ending alone (what follows a hyphen after an acronym or a digit). */
interface Form {
  form: string;
  ending: string;
}

const LONG_ENDINGS = ["аа", "оо", "ээ", "өө", "уу", "үү", "яа", "ёо", "еэ", "иа", "иу", "уа"];

/** Inflects one lowercase Cyrillic word, or null when its ending cannot be told. */
function inflectWord(word: string, c: Case): Form | null {
  if (!/^[а-яёөү]+$/.test(word) || !/[аоуэөүияеёю]/.test(word)) return null;
  const h = harmonyOf(word);
  const back = isBack(h);
  const last = word.at(-1)!;
  const prev = word.at(-2) ?? "";
  const fleeting = FLEETING[word];
  const vstem = fleeting ?? word; // the stem before an ending that begins with a vowel
  const out = (stem: string, ending: string): Form => ({ form: stem + ending, ending });
  const hidden = N_STEMS.has(word);

  // Directional and comitative are the same for every shape.
  if (c === "dir") return { form: word + dirWord(word, h), ending: dirWord(word, h) };
  if (c === "com") return out(word, withT(h));

  const longVowel = LONG_ENDINGS.some((e) => word.endsWith(e)) && word.length > 2;
  if (longVowel || last === "й") {
    const diphthong = last === "й";
    if (hidden) {
      if (c === "gen") return out(word, back ? "ны" : "ний");
      if (c === "dat") return out(word, "нд");
      if (c === "abl") return out(word, "н" + long(h) + "с");
    }
    switch (c) {
      case "gen":
        return out(word, diphthong ? "н" : "гийн");
      case "acc":
        return out(word, "г");
      case "dat":
        return out(word, "д");
      case "abl":
        return out(word, "г" + long(h) + "с");
      case "ins":
        return out(word, "г" + long(h) + "р");
    }
  }

  if ("аоэө".includes(last) && !VOWELS.includes(prev)) {
    // A short final vowel: kept before a consonant ending, dropped before a vowel ending.
    const stem = word.slice(0, -1);
    const i = /[жчш]$/.test(stem) || !back ? "ий" : "ы";
    if (hidden) {
      if (c === "gen") return out(word, back ? "ны" : "ний");
      if (c === "dat") return out(word, "нд");
      if (c === "abl") return out(word, "н" + long(h) + "с");
    }
    switch (c) {
      case "gen":
        return out(stem, i + "н");
      case "acc":
        return out(stem, i + "г");
      case "dat":
        return out(word, "д");
      case "abl":
        return out(stem, long(h) + "с");
      case "ins":
        return out(stem, long(h) + "р");
    }
  }

  if (last === "и" && !VOWELS.includes(prev)) {
    // A short и (borrowed words: компани): -йн, -йг, -д, -ас/-эс.
    const v = back ? "а" : "э";
    switch (c) {
      case "gen":
        return out(word, "йн");
      case "acc":
        return out(word, "йг");
      case "dat":
        return out(word, "д");
      case "abl":
        return out(word, v + "с");
      case "ins":
        return out(word, v + "р");
    }
  }

  if (VOWELS.includes(last)) return null; // a short у/ү/ы or an unusual vowel sequence

  if (last === "н") {
    const ng = NG_STEMS.some((s) => word.endsWith(s));
    if (hidden) return null;
    switch (c) {
      case "gen":
        return ng ? out(word, "гийн") : out(vstem, back ? "ы" : "ий");
      case "acc":
        return ng ? out(word, "г") : out(vstem, back ? "ыг" : "ийг");
      case "dat":
        return out(word, "д");
      case "abl":
        return out(ng ? word : vstem, (ng ? "г" : "") + long(h) + "с");
      case "ins":
        return out(ng ? word : vstem, (ng ? "г" : "") + long(h) + "р");
    }
  }

  if (last === "ь") {
    // хорь, тавь, сургууль: the ь becomes и before a vowel ending.
    const stem = word.slice(0, -1) + "и";
    switch (c) {
      case "gen":
        return out(word.slice(0, -1), "ийн");
      case "acc":
        return out(word.slice(0, -1), "ийг");
      case "dat":
        return out(word, "д");
      case "abl":
        return out(stem, (back ? (h === "o" ? "о" : "а") : "э") + "с");
      case "ins":
        return out(stem, (back ? (h === "o" ? "о" : "а") : "э") + "р");
    }
  }

  // Any other consonant.
  const i = !back || /[жчшгь]$/.test(vstem) ? "ий" : "ы";
  if (hidden && c === "gen") return out(word, back ? "ны" : "ний");
  if (hidden && c === "dat") return out(word, SHORT[h] + "нд");
  if (hidden && c === "abl") return out(word, "н" + long(h) + "с");
  switch (c) {
    case "gen":
      return out(vstem, i + "н");
    case "acc":
      return out(vstem, i + "г");
    case "dat":
      if ("гврс".includes(last)) return out(word, "т");
      if ("жчш".includes(last)) return out(word, "ид");
      if ("дтхкпфзц".includes(last)) return out(vstem, SHORT[h] + "д");
      return out(word, "д");
    case "abl":
      return out(vstem, long(h) + "с");
    case "ins":
      return out(vstem, long(h) + "р");
  }
  return null;
}

// ---- numbers ---------------------------------------------------------------------------

/**
 * The endings written after a digit, by the last numeral word read aloud. `attr` is the
 * genitive dates are read with (2026.01.09-ний = есний), `nd` the dative of a date.
 */
interface NumeralEndings {
  word: string;
  gen: string;
  acc: string;
  abl: string;
  ins: string;
  com: string;
  dir: string;
  attr: string;
}
const N = (word: string, gen: string, acc: string, abl: string, com: string, dir: string, attr: string) => ({
  word,
  gen,
  acc,
  abl,
  ins: abl.replace(/с$/, "р"),
  com,
  dir,
  attr,
});
const NUMERALS: Record<string, NumeralEndings> = {
  0: N("тэг", "ийн", "ийг", "ээс", "тэй", " рүү", "ийн"),
  1: N("нэг", "ийн", "ийг", "ээс", "тэй", " рүү", "ний"),
  2: N("хоёр", "ын", "ыг", "оос", "той", " луу", "ны"),
  3: N("гурав", "ын", "ыг", "аас", "тай", " руу", "ны"),
  4: N("дөрөв", "ийн", "ийг", "өөс", "тэй", " рүү", "ний"),
  5: N("тав", "ын", "ыг", "аас", "тай", " руу", "ны"),
  6: N("зургаа", "гийн", "г", "гаас", "тай", " руу", "ны"),
  7: N("долоо", "гийн", "г", "гоос", "той", " руу", "ны"),
  8: N("найм", "ын", "ыг", "аас", "тай", " руу", "ны"),
  9: N("ес", "ийн", "ийг", "өөс", "тэй", " рүү", "ний"),
  10: N("арав", "ын", "ыг", "аас", "тай", " руу", "ны"),
  20: N("хорь", "ийн", "ийг", "иос", "той", " руу", "ны"),
  30: N("гуч", "ийн", "ийг", "аас", "тай", " руу", "ны"),
  40: N("дөч", "ийн", "ийг", "өөс", "тэй", " рүү", "ний"),
  50: N("тавь", "ийн", "ийг", "иас", "тай", " руу", "ны"),
  60: N("жар", "ын", "ыг", "аас", "тай", " луу", "ны"),
  70: N("дал", "ын", "ыг", "аас", "тай", " руу", "ны"),
  80: N("ная", "гийн", "г", "гаас", "тай", " руу", "ны"),
  90: N("ер", "ийн", "ийг", "ээс", "тэй", " лүү", "ний"),
  100: N("зуу", "гийн", "г", "гаас", "тай", " руу", "ны"),
  1000: N("мянга", "ын", "ыг", "аас", "тай", " руу", "ны"),
  1000000: N("сая", "гийн", "г", "гаас", "тай", " руу", "ны"),
};

/** The numeral word a whole number ends with when read aloud (15 → тав, 40 → дөч, 2000 → мянга). */
export function lastNumeral(n: number): NumeralEndings {
  if (n === 0) return NUMERALS[0]!;
  if (n % 10 !== 0) return NUMERALS[n % 10]!;
  if (n % 100 !== 0) return NUMERALS[n % 100]!;
  if (n % 1000 !== 0) return NUMERALS[100]!;
  if (n % 1_000_000 !== 0) return NUMERALS[1000]!;
  return NUMERALS[1_000_000]!;
}

function numberEnding(n: number, c: Case, date: boolean): string {
  const e = lastNumeral(n);
  if (c === "dat") return n === 0 ? "т" : "нд";
  if (c === "gen" && date) return e.attr;
  return e[c];
}

/** "2-ыг", but "2 луу": a postposition is written apart, without a hyphen. */
const withDigits = (digits: string, ending: string) =>
  ending.startsWith(" ") ? digits + ending : `${digits}-${ending}`;

const DATE = /^(\d{4}\.\d{2}\.)(\d{2})$/;

// ---- names -----------------------------------------------------------------------------

const CYRILLIC_WORD = /^[А-ЯЁӨҮа-яёөү]+$/;
const UPPER = /^[А-ЯЁӨҮ]+$/;

/**
 * `value` with the case ending of `c`, or null when the ending cannot be told for sure
 * (Latin script, an unknown acronym, punctuation at the end, an unusual word ending).
 */
export function inflect(value: unknown, c: Case): string | null {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) return null;
    return withDigits(String(value), numberEnding(value, c, false));
  }
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (text === "") return null;
  if (/^\d+$/.test(text)) return withDigits(text, numberEnding(Number(text), c, false));
  const date = DATE.exec(text);
  if (date) return withDigits(text, numberEnding(Number(date[2]), c, true));

  // The last word, after any initial ("Б.") or hyphen ("Бат-Эрдэнэ", "Хяналт-шинжилгээ").
  const space = text.search(/\S+$/);
  const lastToken = text.slice(space);
  const cut = Math.max(lastToken.lastIndexOf("."), lastToken.lastIndexOf("-"));
  const word = lastToken.slice(cut + 1);
  const head = text.slice(0, space) + lastToken.slice(0, cut + 1);
  if (!CYRILLIC_WORD.test(word)) return null;

  if (UPPER.test(word)) {
    // A text in capitals (a document title) gets its ending in capitals too.
    const capitals = text.split(/\s+/).filter((w) => /[А-ЯЁӨҮ]{2}/.test(w) && w === w.toUpperCase()).length;
    const shout = (s: string) => (capitals >= 2 && text === text.toUpperCase() ? s.toUpperCase() : s);
    const acronym = ACRONYMS[word];
    if (acronym) {
      const f = inflectWord(acronym, c);
      if (!f) return null;
      return head + word + shout(f.ending.startsWith(" ") ? f.ending : `-${f.ending}`);
    }
    // A word in capitals: after an initial (Н.ВАНСЭМБЭРҮҮ), among other words in capitals,
    // or too long for an acronym. Its ending is written in capitals without a hyphen.
    const initial = cut >= 0 && lastToken[cut] === ".";
    if (!(initial || capitals >= 2 || word.length >= 6)) return null;
    const f = inflectWord(word.toLowerCase(), c);
    return f && head + f.form.toUpperCase();
  }
  // A capitalised or lowercase word.
  if (word.slice(1) !== word.slice(1).toLowerCase()) return null;
  const lower = word.toLowerCase();
  const f = inflectWord(lower, c);
  if (!f) return null;
  // Keep the word's own capital letter.
  const form = word[0] !== lower[0] ? word[0] + f.form.slice(1) : f.form;
  return head + form;
}

/** True when `inflect` can give `value` a case ending. */
export function canInflect(value: unknown): boolean {
  return inflect(value, "gen") !== null;
}

/** The noun a name stands beside when it cannot take an ending itself: "Acme LLC байгууллагын". */
export const FALLBACK_NOUNS: Readonly<Record<string, string>> = {
  org: "байгууллага",
  organization: "байгууллага",
  to: "байгууллага",
  from: "байгууллага",
  unit: "нэгж",
  name: "нэртэй хүн",
  person: "нэртэй хүн",
};

/**
 * `value` in case `c`; when that cannot be told, the value followed by `noun` in that case
 * ("Acme LLC байгууллагын", "John Smith нэртэй хүнтэй"), which reads right without an ending
 * on the value. Without a noun, null.
 */
export function inflectOr(value: unknown, c: Case, noun?: string): string | null {
  const direct = inflect(value, c);
  if (direct !== null) return direct;
  if (!noun) return null;
  const inflectedNoun = inflect(noun, c);
  return inflectedNoun && `${String(value).trim()} ${inflectedNoun}`;
}
