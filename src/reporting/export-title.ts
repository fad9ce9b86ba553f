/**
 * The title of a report paper as seed 000 writes it: the unit and the official's name in the
 * genitive, in capitals without a hyphen ("ТӨРИЙН ЗАХИРГААНЫ УДИРДЛАГЫН ХЭЛТСИЙН … АХЛАХ
 * МЭРГЭЖИЛТЭН Н.ВАНСЭМБЭРҮҮГИЙН 2025 ОНЫ ХАГАС ЖИЛИЙН ГҮЙЦЭТГЭЛИЙН ТАЙЛАН").
 */
import type { TFunction } from "i18next";
import type { Locale } from "../i18n.js";
import { inflect } from "../shared/mn-inflect.js";

export interface TitleParts {
  unit: string | null | undefined;
  position: string | null | undefined;
  fullName: string;
  year: number;
  /** The period as the title names it ("ХАГАС ЖИЛИЙН"). */
  period: string;
}

export function upper(s: string | null | undefined): string {
  return (s ?? "").toLocaleUpperCase("mn");
}

/**
 * In Mongolian the unit and the name take the genitive; a unit or name that cannot take an
 * ending (Latin script) is followed by the noun "нэгжийн" / the position carries the name
 * as it is.
 */
function genitive(value: string | null | undefined, locale: Locale, noun?: string): string {
  if (!value) return "";
  if (locale !== "mn") return upper(value);
  const direct = inflect(value, "gen");
  if (direct) return upper(direct);
  return noun ? `${upper(value)} ${upper(inflect(noun, "gen"))}` : upper(value);
}

export function reportTitle(t: TFunction, locale: Locale, parts: TitleParts): string {
  return t("reporting:export.title", {
    unit: genitive(parts.unit, locale, "нэгж"),
    position: upper(parts.position),
    name: genitive(parts.fullName, locale, "нэртэй албан хаагч"),
    year: parts.year,
    period: parts.period,
  })
    .replace(/\s+/g, " ")
    .trim();
}
